/* dmaviz: the miniport's configuration, its Parameters key as NDIS reads it from the registry:
 * the keywords the engine sets before DriverEntry (dv_ndis_set_config; a lesson's `copy=`) and
 * NdisOpenConfiguration, NdisReadConfiguration and NdisCloseConfiguration over them.
 */
#include <string.h>

#include "dvndis.h"

/* ---- configuration ------------------------------------------------------------------------ */

/* These three calls leave no call record and no event: recording them would add events before
 * every run's first port write, and the golden traces and screen dumps (which count events)
 * predate them. What they read shows in the driver's behaviour instead. */

bool dv_ndis_set_config(struct dv_ndis *ndis, const char *keyword, uint32_t value)
{
	struct dv_ndis_config *c = &ndis->config;
	if (!keyword || strlen(keyword) >= sizeof c->param[0].keyword)
		return false;
	uint32_t i = 0;
	while (i < c->nparam && strcmp(c->param[i].keyword, keyword) != 0)
		i++;
	if (i == c->nparam) {
		if (c->nparam == DV_NDIS_CONFIG_MAX)
			return false;
		c->nparam++;
		strcpy(c->param[i].keyword, keyword);
	}
	c->param[i].value = value;
	return true;
}

static char ascii_lower(unsigned c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Does the counted UTF-16 keyword name the ASCII one? Registry value names compare without
 * regard to case. */
static bool keyword_is(const NDIS_STRING *k, const char *ascii)
{
	size_t n = k->Length / sizeof(WCHAR);
	if (!k->Buffer || strlen(ascii) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k->Buffer[i] > 0x7F ||
		    ascii_lower(k->Buffer[i]) != ascii_lower((unsigned char)ascii[i]))
			return false;
	return true;
}

VOID NdisOpenConfiguration(PNDIS_STATUS Status, PNDIS_HANDLE ConfigurationHandle,
                           NDIS_HANDLE WrapperConfigurationContext)
{
	struct dv_ndis *nd = dv_ndis_of(WrapperConfigurationContext);
	if (nd)
		nd->config.open = true;
	if (ConfigurationHandle)
		*ConfigurationHandle = nd ? (NDIS_HANDLE)&nd->config : NULL;
	if (Status)
		*Status = nd && ConfigurationHandle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_FAILURE;
}

VOID NdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                           NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                           NDIS_PARAMETER_TYPE ParameterType)
{
	(void)ParameterType; /* "ignored in Windows NT and later" (NdisReadConfiguration) */
	struct dv_ndis *nd = dv_ndis_config_owner(ConfigurationHandle);
	NDIS_STATUS st = NDIS_STATUS_FAILURE;
	if (nd && nd->config.open && Keyword && ParameterValue) {
		struct dv_ndis_config *c = &nd->config;
		for (uint32_t i = 0; i < c->nparam; i++) {
			if (keyword_is(Keyword, c->param[i].keyword)) {
				/* memory the driver reads directly: the driver host's arena
				 * when the driver runs there (dv_ndis_use_memory) */
				if (!c->out)
					c->out = dv_ndis_host_alloc(nd, sizeof *c->out);
				if (!c->out)
					break;
				memset(c->out, 0, sizeof *c->out);
				c->out->ParameterType = NdisParameterInteger;
				c->out->ParameterData.IntegerData = c->param[i].value;
				*ParameterValue = c->out;
				st = NDIS_STATUS_SUCCESS;
				break;
			}
		}
	}
	if (Status)
		*Status = st;
}

VOID NdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle)
{
	struct dv_ndis *nd = dv_ndis_config_owner(ConfigurationHandle);
	if (nd)
		nd->config.open = false;
}

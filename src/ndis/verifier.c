/* dmaviz: names and explanations of the verifier's rules, and of the traced calls. */
#include <string.h>

#include "calls.h"
#include "verifier.h"

static const char *const rule_names[] = {
#define DV_RULE_NAME(id, name, title, text) name,
	DV_RULES(DV_RULE_NAME)
#undef DV_RULE_NAME
};
static const char *const rule_titles[] = {
#define DV_RULE_TITLE(id, name, title, text) title,
	DV_RULES(DV_RULE_TITLE)
#undef DV_RULE_TITLE
};
static const char *const rule_texts[] = {
#define DV_RULE_TEXT(id, name, title, text) text,
	DV_RULES(DV_RULE_TEXT)
#undef DV_RULE_TEXT
};
static const char *const call_names[] = {
#define DV_CALL_NAME(id, name) name,
	DV_CALLS(DV_CALL_NAME)
#undef DV_CALL_NAME
};

const char *dv_rule_name(enum dv_rule rule)
{
	return (unsigned)rule < DV_RULE_COUNT ? rule_names[rule] : "?";
}

const char *dv_rule_title(enum dv_rule rule)
{
	return (unsigned)rule < DV_RULE_COUNT ? rule_titles[rule] : "?";
}

const char *dv_rule_text(enum dv_rule rule)
{
	return (unsigned)rule < DV_RULE_COUNT ? rule_texts[rule] : "?";
}

enum dv_rule dv_rule_find(const char *name)
{
	for (unsigned i = 0; i < DV_RULE_COUNT; i++)
		if (name && strcmp(name, rule_names[i]) == 0)
			return (enum dv_rule)i;
	return DV_RULE_COUNT;
}

const char *dv_call_name(enum dv_call call)
{
	return (unsigned)call < DV_CALL_COUNT ? call_names[call] : "?";
}

enum dv_call dv_call_find(const char *name)
{
	for (unsigned i = 0; i < DV_CALL_COUNT; i++)
		if (name && strcmp(name, call_names[i]) == 0)
			return (enum dv_call)i;
	return DV_CALL_COUNT;
}

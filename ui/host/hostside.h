/* dmaviz: the driver host's own side (host_main.c and the generated NDIS functions). */
#ifndef DV_HOST_HOSTSIDE_H
#define DV_HOST_HOSTSIDE_H

#include "boundary.h"

/* The module's DriverEntry, and the handlers its NdisMRegisterMiniport gave. */
extern DV_DRIVER_ENTRY dv_host_entry;
extern NDIS_MINIPORT_CHARACTERISTICS dv_host_chars;
void dv_host_keep_chars(const NDIS_MINIPORT_CHARACTERISTICS *c);
/* Serves a DV_HM_CALLBACK: calls the driver's entry point (generated). */
bool dv_host_dispatch(struct dv_hside *s, const struct dv_hmsg *in, struct dv_hmsg *out);

#endif

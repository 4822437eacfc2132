/* dmaviz: what lecture.c and lecture_map.c share (not for front ends: they read lecture.h). */
#ifndef DV_APP_LECTURE_INT_H
#define DV_APP_LECTURE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dvndis.h"
#include "view.h"

/* Event i of the view's recording. */
const struct dv_event *dv_lect_ev(const struct dv_view *v, size_t i);
/* The NDIS context whose call records the trace's call events index. */
const struct dv_ndis *dv_lect_ndis(const struct dv_view *v);
/* The physical address of a Setup's or Complete's Buffer's first byte (DV_NO_ADDR: none). */
uint32_t dv_lect_buffer_phys(const struct dv_call_record *r, const struct dv_call_args *a);
/* The name of the lesson's buffer at phys with len bytes into buf ("" when none). */
void dv_lect_buffer_name(const struct dv_view *v, uint32_t phys, uint32_t len, char *buf,
                         size_t size);

#endif

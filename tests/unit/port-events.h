/* dmaviz: the port accesses of one kind (DV_EV_PORT_OUT or DV_EV_PORT_IN) a trace recorded
 * from event `from` on, for the tests of the HAL and the NDIS port calls. */
#ifndef DV_TEST_PORT_EVENTS_H
#define DV_TEST_PORT_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* Fills port[] and val[] with the first max of them; returns how many there were. */
static inline unsigned port_events(const struct dv_trace *t, size_t from, enum dv_ev_kind kind,
                                   uint16_t *port, uint8_t *val, unsigned max)
{
	unsigned n = 0;
	for (size_t i = from; i < dv_trace_len(t); i++) {
		const struct dv_event *e = dv_trace_at(t, i);
		if (e->kind != kind)
			continue;
		if (n < max) {
			port[n] = (uint16_t)e->index;
			val[n] = (uint8_t)e->new_value;
		}
		n++;
	}
	return n;
}

#endif

/* dmaviz: the processor's side of the machine: IRQL, the 8259's request latch, interrupt
 * delivery to the driver's ISR and the DPC queue.
 *
 * The functions a driver's world calls (raise and lower IRQL, queue a DPC, connect an IRQ,
 * drive an IRQ line) keep their dv_sim_ names and are declared in sim.h; this header holds
 * what the device table needs.
 */
#ifndef DV_CPU_H
#define DV_CPU_H

struct dv_sim;

/* Between two bus cycles: the CPU takes a pending, connected interrupt (lowest IRQ first)
 * when it holds the bus and runs below DIRQL; the ISR runs at DIRQL, DPCs when IRQL drops. */
void dv_cpu_between_cycles(struct dv_sim *sim);

#endif

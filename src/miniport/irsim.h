/* irsim: the second reference miniport for the dmaviz card, written in the NT 4.0 / Windows
 * 2000 DDK's style (irsim.c, an IrDA-like subordinate-DMA driver). Built into dmaviz, its
 * DriverEntry is renamed IrSimDriverEntry (src/meson.build), so that it and dvmini's can live
 * in one program; built alone as a module (tests/classroom/ddk) it exports DriverEntry.
 */
#ifndef IRSIM_H
#define IRSIM_H

#include "ndis.h"

NTSTATUS IrSimDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

#endif

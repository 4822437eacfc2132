/* dmaviz: a learner's driver that attacks its driver host (test-host.sh). It is the good driver
 * of ../drivers/driver.c with its MiniportSend wrapped: AttackSend first does what DV_ATTACK
 * names, then sends as the good driver does. So an attack the cage lets through passes the
 * test, and the test catches it; a caged one ends the run with the reason. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ndis.h"

#define DV_ATTACK_DMA_READ 1  /* reads a packet's buffer through its simulated VA */
#define DV_ATTACK_EXIT 2      /* _exit(0) in MiniportSend */
#define DV_ATTACK_EXIT_CTOR 3 /* _exit(0) in a constructor, before DriverEntry */
#define DV_ATTACK_PATCH 4  /* looks for dmaviz's verdict (dv_msgs_count) to patch, sends nothing */
#define DV_ATTACK_EXEC 5   /* execs /bin/true */
#define DV_ATTACK_FORK 6   /* forks */
#define DV_ATTACK_SOCKET 7 /* opens a socket */
#define DV_ATTACK_OPEN 8   /* opens a file */
#define DV_ATTACK_RLIMIT 9 /* raises its CPU limit */
#define DV_ATTACK_POLL 10  /* polls a port forever (not an attack: a learner's loop) */

static W_SEND_HANDLER GoodSend;

static NDIS_STATUS AttackSend(NDIS_HANDLE Context, PNDIS_PACKET Packet, UINT Flags)
{
#if DV_ATTACK == DV_ATTACK_DMA_READ
	PNDIS_BUFFER Buffer;
	PVOID Va;
	UINT Length;
	NdisQueryPacket(Packet, NULL, NULL, &Buffer, NULL);
	NdisQueryBuffer(Buffer, &Va, &Length);
	volatile UCHAR First = *(volatile UCHAR *)Va;
	(void)First;
#elif DV_ATTACK == DV_ATTACK_EXIT
	_exit(0);
#elif DV_ATTACK == DV_ATTACK_PATCH
	/* In dmaviz's own process this would be three bytes away from a forged verdict. */
	void *Count = dlsym(RTLD_DEFAULT, "dv_msgs_count");
	if (Count) {
		long Page = sysconf(_SC_PAGESIZE);
		void *Start = (void *)((unsigned long)Count & ~(unsigned long)(Page - 1));
		mprotect(Start, (size_t)Page * 2, PROT_READ | PROT_WRITE | PROT_EXEC);
		static const unsigned char ReturnZero[] = { 0x31, 0xc0, 0xc3 };
		__builtin_memcpy(Count, ReturnZero, sizeof ReturnZero);
	}
	return NDIS_STATUS_PENDING; /* and never sends: only a forged verdict passes */
#elif DV_ATTACK == DV_ATTACK_EXEC
	execl("/bin/true", "true", (char *)NULL);
#elif DV_ATTACK == DV_ATTACK_FORK
	if (fork() == 0)
		_exit(0);
#elif DV_ATTACK == DV_ATTACK_SOCKET
	int S = socket(AF_INET, SOCK_STREAM, 0);
	if (S >= 0)
		close(S);
#elif DV_ATTACK == DV_ATTACK_OPEN
	int F = open("/proc/self/cmdline", O_RDONLY);
	if (F >= 0)
		close(F);
#elif DV_ATTACK == DV_ATTACK_RLIMIT
	struct rlimit Unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	setrlimit(RLIMIT_CPU, &Unlimited);
#elif DV_ATTACK == DV_ATTACK_POLL
	UCHAR Status = 0;
	while (Status != 0x5A)
		NdisRawReadPortUchar(0x301, &Status);
#endif
	return GoodSend(Context, Packet, Flags);
}

#if DV_ATTACK == DV_ATTACK_EXIT_CTOR
__attribute__((constructor)) static void ExitEarly(void)
{
	_exit(0);
}
#endif

/* The good driver registers its handlers through this, which puts AttackSend in front. */
static NDIS_STATUS AttackRegister(NDIS_HANDLE Wrapper, PNDIS_MINIPORT_CHARACTERISTICS Chars,
                                  UINT Length, const char *File, int Line)
{
	GoodSend = Chars->SendHandler;
	Chars->SendHandler = AttackSend;
	return NdisMRegisterMiniportAt(Wrapper, Chars, Length, File, Line);
}
#undef NdisMRegisterMiniport
#define NdisMRegisterMiniport(_H, _C, _L) AttackRegister(_H, _C, _L, __FILE__, __LINE__)

#include "../drivers/driver.c"

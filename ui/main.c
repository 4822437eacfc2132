/* dmaviz: the command line. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim.h"

static void usage(FILE *f)
{
	fputs("usage: dmaviz [--help] [--version] COMMAND [ARGS]\n"
	      "\n"
	      "dmaviz teaches how a network card moves frames with system (subordinate) DMA:\n"
	      "the PC's 8237A DMA controllers, page registers, host memory, and the NDIS calls\n"
	      "NdisMSetupDmaTransfer and NdisMCompleteDmaTransfer.\n"
	      "\n"
	      "The lessons, the terminal UI and the classroom commands are being built; see\n"
	      "README.md for what works today.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "Exit status: 0 success, 1 a check failed, 2 bad usage or bad input.\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("dmaviz %s\n", DV_VERSION);
		return 0;
	}
	fprintf(stderr, "dmaviz: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

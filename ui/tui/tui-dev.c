/* dmaviz-tui: runs the terminal UI on its own, for development: dmaviz-tui LESSON-FILE. */
#include "tui.h"

int main(int argc, char **argv)
{
	return dv_tui_main(argc, argv);
}

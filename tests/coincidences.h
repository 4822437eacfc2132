/* dmaviz: answers that are on screen before their question is answered but mean something
 * else there, reviewed one by one; the spoiler checks of test-session (every panel) and
 * test-screens (every 80x24 screen of a walk) both skip them. */
#ifndef DV_TEST_COINCIDENCES_H
#define DV_TEST_COINCIDENCES_H

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Where an answer's text is on screen but means something else there, reviewed one by one:
 * (lesson, question, text, what it is). */
static const struct {
	const char *lesson, *ask, *form, *why;
} coincidences[] = {
	{ "12-modes.lesson", "overflow-bit", "0x10",
	  "channel 1's page register: the buffer is at 0x100000" },
	{ "09-above16m.lesson", "truncated", "4096",
	  "the call ribbon's NdisMRegisterDmaChannel: MaximumLength=4096 (the answer is 0x1000 as "
	  "an address)" },
};

static inline bool coincidence(const char *lesson, const char *ask, const char *form)
{
	for (size_t i = 0; i < sizeof coincidences / sizeof coincidences[0]; i++)
		if (!strcmp(coincidences[i].lesson, lesson) && !strcmp(coincidences[i].ask, ask) &&
		    !strcasecmp(coincidences[i].form, form))
			return true;
	return false;
}

#endif

/* Exercise 4: one channel, two directions (NDIS_STATUS_RESOURCES).
 *
 * The reference solution is the same driver as exercise 2's: one miniport that receives with the
 * residue, stages small sends and completes the receive before a send. Each exercise's skeleton
 * removes a different part of it. Kept in one place so the three cannot drift apart. */
#include "../../02-receive/solution/driver.c"

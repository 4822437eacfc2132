/* Exercise 3: small sends through a staging buffer.
 *
 * The reference solution is the same driver as exercise 2's: one miniport that receives with the
 * residue, stages small sends and completes the receive before a send. Each exercise's skeleton
 * removes a different part of it. Kept in one place so the three cannot drift apart. */
#include "../../02-receive/solution/driver.c"

/* Fuzz target: key names ("Ctrl-D", "Alt-x", "F12"), as a key map file
 * would spell them; a parsed name prints back to the same key. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[64], back[64];
	int k;

	if (size >= sizeof name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	k = keymap_key_parse(name);
	if (k == KEYC_NONE)
		return 0;
	keymap_key_name(k, back, sizeof back);
	if (keymap_key_parse(back) != k)
		abort();
	(void)keymap_lookup(KM_GLOBAL, k);
	return 0;
}

/*
 * Fuzz target: every Docker Engine API parser over the same bytes. Strings
 * stored in the model must carry no control character.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_docker.h"
#include "probe.h"
#include "svc.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_str(const char *s)
{
	unsigned char c;

	for (; s != NULL && *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	struct svcs c;
	struct docker_inspect x;
	struct docker_stats st;
	struct docker_event e;
	char *api, *min, *engine, *m, *url, *expect, out[16];
	size_t i;

	svcs_init(&c);
	if (json_docker_containers_parse(b, size, &c, NULL) == 0) {
		for (i = 0; i < c.n; i++) {
			fuzz_check_str(c.v[i].id);
			fuzz_check_str(c.v[i].name);
			fuzz_check_str(c.v[i].service);
			fuzz_check_str(c.v[i].project);
			fuzz_check_str(c.v[i].image);
			fuzz_check_str(c.v[i].status);
			fuzz_check_str(c.v[i].ports);
			if (probe_resolve(&c.v[i], NULL, &url, &expect) == 0) {
				fuzz_check_str(url);
				free(url);
				free(expect);
			}
		}
	}
	if (json_docker_inspect_parse(b, size, &x, NULL) == 0) {
		fuzz_check_str(x.id);
		fuzz_check_str(x.name);
		fuzz_check_str(x.error);
		if (c.n > 0)
			docker_inspect_apply(&x, &c.v[0]);
		docker_inspect_clear(&x);
	}
	if (json_docker_stats_parse(b, size, &st, NULL) == 0) {
		if (c.n > 0) {
			docker_stats_apply(&st, &c.v[0]);
			docker_stats_apply(&st, &c.v[0]);
		}
		(void)docker_mem_used(&st);
	}
	svcs_free(&c);
	if (json_docker_version_parse(b, size, &api, &min, &engine, NULL) ==
	    0) {
		fuzz_check_str(engine);
		(void)docker_api_pick("1.41", api, min, out, sizeof out);
		free(api);
		free(min);
		free(engine);
	}
	if (json_docker_event_parse(b, size, &e, NULL) == 0) {
		fuzz_check_str(e.action);
		fuzz_check_str(e.id);
		docker_event_clear(&e);
	}
	m = json_docker_error_message(b, size);
	fuzz_check_str(m);
	free(m);
	return 0;
}

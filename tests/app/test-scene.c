/* dmaviz: the scene (ui/app/scene.h): its items, hits and boxes, the fixed text metrics, its
 * bounds, and its SVG (one element per item, at the item's place, text escaped).
 * Usage: test-scene */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"
#include "theme.h"
#include "../checkf.h"

static void test_items(void)
{
	struct dv_scene sc;
	dv_scene_init(&sc, NULL, NULL);
	dv_scene_reset(&sc, 640, 480);
	dv_scene_rect(&sc, 1, 2, 30, 40, DV_WC_boxfill);
	dv_scene_rect(&sc, 1, 2, 0, 40, DV_WC_boxfill); /* empty: not an item */
	dv_scene_line(&sc, 0, 10, 100, 10, 4, 6, 3, DV_WC_wire_on);
	dv_scene_line(&sc, 0, 0, 10, 10, 2, 0, 0, DV_WC_wire_on); /* slanted: refused */
	int w = dv_scene_text(&sc, 20, true, 5, 6, "ab\xe2\x86\x90", 5, DV_WC_text, DV_WC_changed);
	struct dv_scene_font f = dv_scene_font(&sc, 20);
	CHECK(f.cw == 12 && f.lh == 24, "DejaVu Sans Mono at 20 px: %d x %d", f.cw, f.lh);
	CHECK(w == 3 * f.cw, "three cells are %d px wide", w);
	CHECK(sc.n == 4, "%zu items", sc.n);
	CHECK(sc.item[2].kind == DV_SI_RECT && sc.item[2].color == DV_WC_changed &&
	              sc.item[3].kind == DV_SI_TEXT && sc.item[3].w == w && sc.item[3].h == f.lh,
	      "the text's background is the rectangle before it");
	dv_scene_hit_add(&sc, 0, 0, 100, 100, "under", "a");
	dv_scene_hit_add(&sc, 10, 10, 10, 10, NULL, "b");
	CHECK(dv_scene_hit(&sc, 15, 15) == 1 && dv_scene_hit(&sc, 5, 5) == 0 &&
	              dv_scene_hit(&sc, 100, 5) == -1,
	      "the last hit added is on top; the right edge is outside");
	CHECK(dv_scene_hit_named(&sc, "a") && !dv_scene_hit_named(&sc, "c"), "hits by name");
	int b = dv_scene_box(&sc, "cpu", 0, 0, 50, 50, false);
	dv_scene_rect(&sc, 1, 1, 2, 2, DV_WC_text);
	dv_scene_box_end(&sc);
	dv_scene_rect(&sc, 1, 1, 2, 2, DV_WC_text);
	CHECK(b == 0 && sc.item[4].box == 0 && sc.item[5].box == -1, "items know their box");
	dv_scene_finish(&sc);
}

static void test_bounded(void)
{
	struct dv_scene sc;
	dv_scene_init(&sc, NULL, NULL);
	dv_scene_reset(&sc, 10, 10);
	for (unsigned i = 0; i < DV_SCENE_MAX_ITEMS + 10; i++)
		dv_scene_rect(&sc, 0, 0, 1, 1, DV_WC_text);
	CHECK(sc.n == DV_SCENE_MAX_ITEMS && sc.full, "%zu items kept", sc.n);
	dv_scene_reset(&sc, 10, 10);
	CHECK(!sc.full && sc.n == 0, "reset empties");
	dv_scene_finish(&sc);
}

/* The value of attribute a in the element on line l, or -99999. */
static int attr(const char *l, const char *a)
{
	char key[32];
	snprintf(key, sizeof key, " %s=\"", a);
	const char *p = strstr(l, key);
	return p ? atoi(p + strlen(key)) : -99999;
}

static void test_svg(void)
{
	struct dv_scene sc;
	dv_scene_init(&sc, NULL, NULL);
	dv_scene_reset(&sc, 320, 200);
	dv_scene_rect(&sc, 3, 4, 50, 60, DV_WC_buf);
	dv_scene_line(&sc, 10, 20, 10, 90, 2, 4, 4, DV_WC_wire_off);
	dv_scene_text(&sc, 17, false, 7, 8, "a<b & \"c\"", 9, DV_WC_text, -1);
	dv_scene_rect(&sc, 0, 0, 5, 5, dv_scene_dark(DV_WC_wire_on));
	FILE *f = tmpfile();
	CHECK(f && dv_scene_svg(&sc, dv_theme_builtin(), f), "the SVG is written");
	if (!f)
		return;
	rewind(f);
	char line[1024];
	size_t k = 0, elements = 0;
	bool esc = false;
	while (fgets(line, sizeof line, f)) {
		static const char bg[] = "<rect x=\"0\" y=\"0\" width=\"320\" height=\"200\"";
		if (!elements && !strncmp(line, bg, strlen(bg))) {
			elements++;
			continue; /* the background */
		}
		bool r = !strncmp(line, "<rect ", 6), l = !strncmp(line, "<line ", 6),
		     t = !strncmp(line, "<text ", 6);
		if (!r && !l && !t)
			continue;
		elements++;
		CHECK(k < sc.n, "more elements than items");
		if (k >= sc.n)
			break;
		const struct dv_sitem *it = &sc.item[k++];
		if (r)
			CHECK(it->kind == DV_SI_RECT && attr(line, "x") == it->x &&
			              attr(line, "y") == it->y && attr(line, "width") == it->w,
			      "rect %zu: %s", k, line);
		if (l)
			CHECK(it->kind == DV_SI_LINE && attr(line, "x1") == it->x &&
			              attr(line, "y2") == it->y + it->h,
			      "line %zu: %s", k, line);
		if (t) {
			CHECK(it->kind == DV_SI_TEXT && attr(line, "x") == it->x &&
			              attr(line, "y") > it->y && attr(line, "y") <= it->y + it->h,
			      "text %zu: %s", k, line);
			esc = strstr(line, ">a&lt;b &amp; &quot;c&quot;</text>") != NULL;
		}
	}
	CHECK(k == sc.n, "%zu elements for %zu items", k, sc.n);
	CHECK(esc, "the text is escaped");
	fclose(f);
	dv_scene_finish(&sc);
}

/* A view line in its roles' colours (dv_scene_vline), cut at max cells; and a panel appended
 * under another (dv_vpanel_append: a blank line, the title as a heading, the lines). */
static void test_vline(void)
{
	struct dv_scene sc;
	dv_scene_init(&sc, NULL, NULL);
	dv_scene_reset(&sc, 640, 480);
	struct dv_vpanel p, q;
	dv_vpanel_init(&p);
	dv_vpanel_init(&q);
	struct dv_vline *l = dv_vpanel_add_line(&q);
	dv_vline_add(l, DV_ROLE_NORMAL, "ab ");
	dv_vline_add(l, DV_ROLE_DIM, "dim ");
	dv_vline_add(l, DV_ROLE_CHANGED, "0x12");
	struct dv_scene_font f = dv_scene_font(&sc, 20);
	dv_scene_vline(&sc, &f, 10, 20, 100, l, true);
	CHECK(sc.n == 4 && sc.item[1].color == DV_WC_dim && sc.item[2].kind == DV_SI_RECT &&
	              sc.item[2].color == DV_WC_changed && sc.item[3].color == DV_WC_on_changed &&
	              sc.item[3].bold && sc.item[1].x == 10 + 3 * f.cw,
	      "the runs: %zu items", sc.n);
	dv_scene_reset(&sc, 640, 480);
	dv_scene_vline(&sc, &f, 10, 20, 5, l, false);
	CHECK(sc.n == 2 && sc.item[1].color == DV_WC_text && sc.item[1].len == 2,
	      "not dim, cut at 5 cells: %zu items", sc.n);
	snprintf(q.title, sizeof q.title, "Question");
	dv_vline_add(dv_vpanel_add_line(&p), DV_ROLE_NORMAL, "narration");
	dv_vpanel_append(&p, &q);
	CHECK(p.n == 4 && p.line[1].len == 0 && p.line[2].roles[0] == DV_ROLE_HEADING &&
	              p.line[3].len == l->len && !memcmp(p.line[3].roles, l->roles, l->len),
	      "appended: %zu lines", p.n);
	dv_vpanel_finish(&p);
	dv_vpanel_finish(&q);
	dv_scene_finish(&sc);
}

int main(void)
{
	static const struct checkf_case tests[] = {
		{ "items, hits and boxes", test_items },
		{ "a scene is bounded", test_bounded },
		{ "the SVG matches the scene", test_svg },
		{ "view lines in their roles, panels appended", test_vline },
	};
	return CHECKF_RUN(tests);
}

/* The screen console: text on the framebuffer Limine set up, drawn with the font in font/
   (5x9 glyphs, each pixel a 2x2 block in a 12x20 cell). Everything written to the serial console
   is drawn here too. A line takes its colour from its start (the kernel's log levels: "ERROR",
   "WARN", "INFO", "DEBUG", kernel lines "wasmos…"); ANSI SGR colour escapes override it, other
   escape sequences are skipped. The text is kept in a cell grid and only changed cells are
   redrawn, so scrolling writes to video memory and never reads it (reads are slow on real
   hardware, where the framebuffer is uncached or write-combining). */
#include "stub.h"
#include "font.h"

#define SCALE 2
#define CELL_W ((FONT_WIDTH + 1) * SCALE)
#define CELL_H ((FONT_ROWS + 1) * SCALE)
#define MARGIN 8                        /* pixels left blank around the text */
#define MAX_COLS 256
#define MAX_ROWS 128

/* Colour numbers (ANSI order): 0 black … 7 white, 8–15 bright. */
static const uint32_t palette_rgb[16] = {
  0x000000, 0xcc3333, 0x33bb33, 0xcccc33, 0x4477ee, 0xbb44bb, 0x33bbbb, 0xcccccc,
  0x777777, 0xff5555, 0x55ff55, 0xffff55, 0x7799ff, 0xff77ff, 0x55ffff, 0xffffff,
};
#define DEFAULT_FG 7
#define BG 0

struct cell { uint8_t ch, fg; };

static volatile uint8_t *fb;
static uint64_t pitch;
static int cols, rows, cx, cy;
static uint32_t pixel[16];
static struct cell text[MAX_ROWS][MAX_COLS];   /* what should be on screen */
static struct cell shown[MAX_ROWS][MAX_COLS];  /* what is drawn */
static uint8_t line_fg = DEFAULT_FG;           /* the current line's colour */
static int sgr_fg = -1;                        /* an ANSI colour in force, or -1 */
static int esc_state, esc_param, esc_params[4], esc_nparams;

static uint32_t pack(uint32_t rgb, const struct screen_mode *m) {
  uint32_t r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
  return ((r >> (8 - m->red_size)) << m->red_shift) | ((g >> (8 - m->green_size)) << m->green_shift) |
         ((b >> (8 - m->blue_size)) << m->blue_shift);
}

/* Assumes: `addr` maps the whole framebuffer (pitch * height bytes). Only 32 bits per pixel is
   drawn; other depths leave the console on serial only. Returns 0 when the screen is in use. */
int screen_init(void *addr, const struct screen_mode *m) {
  if (m->bpp != 32 || m->width < CELL_W || m->height < CELL_H) return -1;
  for (int i = 0; i < 16; i++) pixel[i] = pack(palette_rgb[i], m);
  pitch = m->pitch;
  if (m->width < 2 * MARGIN + CELL_W || m->height < 2 * MARGIN + CELL_H) return -1;
  cols = (int)((m->width - 2 * MARGIN) / CELL_W);
  rows = (int)((m->height - 2 * MARGIN) / CELL_H);
  if (cols > MAX_COLS) cols = MAX_COLS;
  if (rows > MAX_ROWS) rows = MAX_ROWS;
  for (uint64_t y = 0; y < m->height; y++) {
    volatile uint32_t *p = (volatile uint32_t *)((volatile uint8_t *)addr + y * pitch);
    for (uint64_t x = 0; x < m->width; x++) p[x] = pixel[BG];
  }
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) text[r][c] = shown[r][c] = (struct cell){ ' ', DEFAULT_FG };
  fb = addr;
  return 0;
}

int screen_cols(void) { return cols; }
int screen_rows(void) { return rows; }

static void draw(int r, int c) {
  struct cell t = text[r][c];
  shown[r][c] = t;
  const unsigned char *g = t.ch >= FONT_FIRST && t.ch <= FONT_LAST ? font_glyphs[t.ch - FONT_FIRST] : font_glyphs['?' - FONT_FIRST];
  uint32_t ink = pixel[t.fg & 15], paper = pixel[BG];
  volatile uint8_t *base = fb + (uint64_t)(MARGIN + r * CELL_H) * pitch + (uint64_t)(MARGIN + c * CELL_W) * 4;
  for (int y = 0; y < CELL_H; y++) {
    int gy = y / SCALE;
    unsigned bits = gy < FONT_ROWS ? g[gy] : 0;
    volatile uint32_t *p = (volatile uint32_t *)(base + (uint64_t)y * pitch);
    for (int x = 0; x < CELL_W; x++) {
      int gx = x / SCALE;
      p[x] = gx < FONT_WIDTH && (bits >> (FONT_WIDTH - 1 - gx)) & 1 ? ink : paper;
    }
  }
}

static void sync_row(int r) {
  for (int c = 0; c < cols; c++)
    if (text[r][c].ch != shown[r][c].ch || (text[r][c].fg != shown[r][c].fg && text[r][c].ch != ' ')) draw(r, c);
}

static void scroll(void) {
  for (int r = 1; r < rows; r++)
    for (int c = 0; c < cols; c++) text[r - 1][c] = text[r][c];
  for (int c = 0; c < cols; c++) text[rows - 1][c] = (struct cell){ ' ', DEFAULT_FG };
  for (int r = 0; r < rows; r++) sync_row(r);
  cy = rows - 1;
}

static int starts(int r, const char *p) {
  for (int c = 0; *p; c++, p++) if (c >= cols || text[r][c].ch != (uint8_t)*p) return 0;
  return 1;
}

/* The colour a line's start asks for, or -1 while it is not known yet. */
static int level_colour(int r) {
  if (starts(r, "ERROR") || starts(r, "FATAL")) return 9;
  if (starts(r, "WARN")) return 11;
  if (starts(r, "INFO")) return 10;
  if (starts(r, "DEBUG") || starts(r, "TRACE")) return 8;
  if (starts(r, "wasmos")) return 14;
  return -1;
}

static void newline(void) {
  cx = 0;
  line_fg = DEFAULT_FG;
  if (++cy >= rows) scroll();
}

static void put_visible(uint8_t ch) {
  if (cx >= cols) newline();
  text[cy][cx] = (struct cell){ ch, sgr_fg >= 0 ? (uint8_t)sgr_fg : line_fg };
  cx++;
  if (sgr_fg < 0 && cx <= 6) {
    int lc = level_colour(cy);
    if (lc >= 0 && lc != line_fg) {
      line_fg = (uint8_t)lc;
      for (int c = 0; c < cx; c++) text[cy][c].fg = line_fg;
    }
  }
  sync_row(cy);
}

static void sgr(void) {
  for (int i = 0; i < esc_nparams; i++) {
    int p = esc_params[i];
    if (p == 0 || p == 39) sgr_fg = -1;
    else if (p >= 30 && p <= 37) sgr_fg = p - 30;
    else if (p >= 90 && p <= 97) sgr_fg = p - 90 + 8;
  }
}

/* Assumes: called with the bytes written to the serial console, in order; not re-entered. */
void screen_putc(char ch) {
  uint8_t c = (uint8_t)ch;
  if (!fb) return;
  if (esc_state == 1) { esc_state = c == '[' ? 2 : 0; esc_param = 0; esc_nparams = 0; return; }
  if (esc_state == 2) {
    if (c >= '0' && c <= '9') { esc_param = esc_param * 10 + (c - '0'); return; }
    if (esc_nparams < 4) esc_params[esc_nparams++] = esc_param;
    esc_param = 0;
    if (c == ';') return;
    esc_state = 0;
    if (c == 'm') sgr();
    else if (c == 'J' && esc_params[0] == 2) {
      for (int r = 0; r < rows; r++) { for (int k = 0; k < cols; k++) text[r][k].ch = ' '; sync_row(r); }
    } else if (c == 'H') { cx = 0; cy = 0; }
    return;
  }
  switch (c) {
  case 0x1b: esc_state = 1; break;
  case '\n': newline(); break;
  case '\r': cx = 0; break;
  case '\b': if (cx > 0) cx--; break;
  case '\t': do put_visible(' '); while (cx % 8 != 0 && cx < cols); break;
  default:
    if (c >= 0x20 && c < 0x7f) put_visible(c);
    else if (c >= 0x80 && (c & 0xc0) != 0x80) put_visible('?');   /* one mark per UTF-8 character */
  }
}

/* ---- for a console driver program (through kernel.wasm's `screen` interface) */

static volatile uint8_t *fb_all;                /* the framebuffer, kept when the stub lets go */
static uint64_t fb_width, fb_height, fb_phys;

/* Assumes: called once by screen_init's caller with the physical address of the framebuffer. */
void screen_note(uint64_t phys, uint64_t width, uint64_t height) {
  fb_all = fb;
  fb_phys = phys;
  fb_width = width;
  fb_height = height;
}

/* Fills `out` with the mode: physical address, width, height, pitch, bits per pixel, and the
   first text row below what the stub's console has written. 0 when there is no screen. */
int screen_mode(uint64_t out[6]) {
  if (!fb_all) return 0;
  out[0] = fb_phys; out[1] = fb_width; out[2] = fb_height; out[3] = pitch; out[4] = 32;
  out[5] = (uint64_t)(cx > 0 ? cy + 1 : cy);
  return 1;
}

/* The stub stops drawing: a driver program owns the screen from now on (serial goes on). */
void screen_release(void) { fb = 0; }

/* Copies a w x h block of 32-bit pixels (row after row) to (x, y); clipped to the screen. */
void screen_blit(uint32_t x, uint32_t y, uint32_t w, uint32_t h, const uint32_t *px) {
  if (!fb_all || x >= fb_width || y >= fb_height) return;
  uint32_t cw = x + w > fb_width ? (uint32_t)fb_width - x : w;
  uint32_t ch = y + h > fb_height ? (uint32_t)fb_height - y : h;
  for (uint32_t r = 0; r < ch; r++) {
    volatile uint32_t *dst = (volatile uint32_t *)(fb_all + (uint64_t)(y + r) * pitch) + x;
    const uint32_t *src = px + (uint64_t)r * w;
    for (uint32_t c = 0; c < cw; c++) dst[c] = src[c];
  }
}

/* Moves rows [top+dy, bottom) up by dy pixels and fills the freed rows with `colour`. Reads
   video memory: slow on real hardware, but a driver scrolls far less often than it draws. */
void screen_scroll(uint32_t top, uint32_t bottom, uint32_t dy, uint32_t colour) {
  if (!fb_all || bottom > fb_height || top >= bottom || dy == 0 || dy > bottom - top) return;
  for (uint32_t r = top; r + dy < bottom; r++) {
    volatile uint64_t *dst = (volatile uint64_t *)(fb_all + (uint64_t)r * pitch);
    volatile uint64_t *src = (volatile uint64_t *)(fb_all + (uint64_t)(r + dy) * pitch);
    for (uint64_t c = 0; c < fb_width / 2; c++) dst[c] = src[c];
  }
  for (uint32_t r = bottom - dy; r < bottom; r++) {
    volatile uint32_t *p = (volatile uint32_t *)(fb_all + (uint64_t)r * pitch);
    for (uint64_t c = 0; c < fb_width; c++) p[c] = colour;
  }
}

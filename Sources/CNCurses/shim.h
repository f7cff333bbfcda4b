// The parts of ncursesw that Swift cannot import directly (macros, global variables), as inline functions.
// Only the TerminalNCurses target imports this module.
#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1 /* cchar_t, setcchar, wget_wch */
#endif
#include <ncurses.h>
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cn_attr_normal(void) { return (attr_t)A_NORMAL; }
static inline attr_t cn_attr_bold(void) { return (attr_t)A_BOLD; }
static inline attr_t cn_attr_underline(void) { return (attr_t)A_UNDERLINE; }
static inline attr_t cn_attr_reverse(void) { return (attr_t)A_REVERSE; }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }

/// Writes one cell: a wide-character string (a base character and its combining marks) with attributes
/// and a colour pair.
static inline int cn_put_cell(int y, int x, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/// Whether the locale's character set is UTF-8 (call after setlocale).
static inline int cn_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (codeset[0] == 'U' || codeset[0] == 'u') && (codeset[1] == 'T' || codeset[1] == 't')
        && (codeset[2] == 'F' || codeset[2] == 'f');
}

/// Asks for clicks and the wheel (presses only: clicks are not delayed to tell them from drags), or none.
static inline void cn_enable_mouse(int on) {
    mmask_t old = 0;
    if (!on) {
        mousemask(0, &old);
        return;
    }
    mmask_t wanted = BUTTON1_PRESSED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    wanted |= BUTTON5_PRESSED;
#endif
    mousemask(wanted, &old);
    mouseinterval(0);
}

static inline int cn_key_mouse(void) { return KEY_MOUSE; }

/// The mouse event behind a KEY_MOUSE: 1 a left press, 3 wheel up, 4 wheel down, 0 anything else.
static inline int cn_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 3;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 4;
#endif
    return 0;
}

#endif

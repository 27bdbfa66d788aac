#pragma once
// Text from outside the harness (check names, messages, command output, logs) as it may be printed on a
// terminal. A terminal obeys control characters: ESC starts a sequence that can move the cursor, recolour or
// retitle the window, or rewrite what was printed before; a carriage return overwrites the line. So they are
// shown, never sent raw.
#include <cstddef>
#include <string>
#include <string_view>

namespace harness::report {

// `text` with every C0 control character except newline and tab, and DEL, written as "\xNN"; the C1 control
// characters (U+0080..U+009F: some terminals take U+009B for CSI) as "\u00NN"; every byte that is not part of
// well-formed UTF-8 as "\xNN". Everything else (printable UTF-8) is kept.
std::string terminal_text(std::string_view text);

// The last `max_lines` lines of `text` (a trailing newline ends the last line, it does not start another).
std::string last_lines(std::string_view text, std::size_t max_lines);

}  // namespace harness::report

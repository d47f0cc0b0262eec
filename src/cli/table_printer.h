// Prints rows as an aligned text table, cutting cells to a column's maximum width.
#ifndef HEADLINER_CLI_TABLE_PRINTER_H_
#define HEADLINER_CLI_TABLE_PRINTER_H_

#include <cstdio>
#include <string>
#include <vector>

namespace headliner {

class TablePrinter {
 public:
  // `max_widths[i]` caps column i (0: no cap).
  TablePrinter(std::vector<std::string> headers, std::vector<size_t> max_widths);
  void AddRow(std::vector<std::string> cells);
  void Print(std::FILE* out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<size_t> max_widths_;
  std::vector<std::vector<std::string>> rows_;
};

// Cuts `s` to at most `width` display columns (counting UTF-8 code points), ending in "…" when cut.
std::string Truncate(const std::string& s, size_t width);

}  // namespace headliner

#endif  // HEADLINER_CLI_TABLE_PRINTER_H_

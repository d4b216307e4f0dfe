// A reader's claim in DIR/readers/ (src/db/reader-table.ts): a file
// r-<pid>-<hex> holding the f64 manifest generation this reader reads, under
// a shared flock for as long as the claim lives. A writer keeps every slot
// that generation's manifest names, so frames never move under a scan.
#pragma once

#include <string>

namespace holtext {

class ReaderClaim {
 public:
  // Registers at generation 0 ("keep everything") before any manifest is read.
  explicit ReaderClaim(const std::string& dir);
  ~ReaderClaim();
  ReaderClaim(const ReaderClaim&) = delete;
  ReaderClaim& operator=(const ReaderClaim&) = delete;

  void SetGeneration(double generation);

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace holtext

#include "reader_claim.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "errors.h"

namespace holtext {

ReaderClaim::ReaderClaim(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw HoltFailure("NOT_FOUND", "no database at " + dir);
  const std::string readers = dir + "/readers";
  if (mkdir(readers.c_str(), 0777) != 0 && errno != EEXIST) {
    throw HoltFailure("IO_ERROR", "cannot register a reader in " + readers + ": " + std::strerror(errno));
  }
  std::random_device rd;
  char name[64];
  std::snprintf(name, sizeof name, "r-%d-%08x%04x", static_cast<int>(getpid()), rd(), rd() & 0xffff);
  path_ = readers + "/" + name;
  const std::string tmp = readers + "/." + name + ".tmp";
  fd_ = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw HoltFailure("IO_ERROR", "cannot register a reader in " + readers + ": " + std::strerror(errno));
  const double zero = 0;
  if (flock(fd_, LOCK_SH) != 0 || pwrite(fd_, &zero, 8, 0) != 8 || rename(tmp.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    unlink(tmp.c_str());
    throw HoltFailure("IO_ERROR", "cannot register a reader in " + readers + ": " + std::strerror(e));
  }
}

ReaderClaim::~ReaderClaim() {
  if (fd_ < 0) return;
  unlink(path_.c_str());  // a writer may have removed it already
  ::close(fd_);
}

void ReaderClaim::SetGeneration(double generation) {
  if (pwrite(fd_, &generation, 8, 0) != 8) throw HoltFailure("IO_ERROR", "cannot update reader claim " + path_ + ": " + std::strerror(errno));
}

}  // namespace holtext

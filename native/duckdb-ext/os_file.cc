#include "os_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "errors.h"

namespace holtext {

bool ReadWholeFile(const std::string& path, std::string* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    throw HoltFailure("IO_ERROR", "cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw HoltFailure("IO_ERROR", "cannot stat " + path + ": " + std::strerror(e));
  }
  // Read to end of file, not to st_size: /proc files report size 0, and a
  // WAL segment may grow while it is read (what follows is the next read's).
  out->resize(static_cast<size_t>(st.st_size) + 4096);
  size_t got = 0;
  for (;;) {
    if (got == out->size()) out->resize(out->size() * 2);
    const ssize_t r = ::pread(fd, &(*out)[got], out->size() - got, static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int e = errno;
      ::close(fd);
      throw HoltFailure("IO_ERROR", "cannot read " + path + ": " + std::strerror(e));
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  out->resize(got);
  ::close(fd);
  return true;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  closedir(d);
  return names;
}

bool WriterIsLive(const std::string& dir) {
  struct stat st;
  if (stat((dir + "/LOCK").c_str(), &st) != 0) return false;
  std::string locks;
  try {
    if (!ReadWholeFile("/proc/locks", &locks)) return true;
  } catch (const HoltFailure&) {
    return true;
  }
  std::istringstream lines(locks);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string n, kind, advisory, mode, pid, dev;
    if (!(f >> n >> kind >> advisory >> mode >> pid >> dev)) continue;
    if (kind != "FLOCK" || mode != "WRITE") continue;
    const size_t at = dev.rfind(':');
    if (at == std::string::npos) continue;
    if (std::strtoull(dev.c_str() + at + 1, nullptr, 10) == static_cast<unsigned long long>(st.st_ino)) return true;
  }
  return false;
}

}  // namespace holtext

#include "spincim/core/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "spincim/core/error.hpp"

namespace spincim {

namespace fs = std::filesystem;

namespace {

// The process's file-creation mask, read from /proc (Linux >= 4.7) rather than with the
// umask(0)/umask(old) pair, which would briefly change it for every thread of the process.
mode_t current_umask() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "Umask:") {
            unsigned value = 022;
            status >> std::oct >> value;
            return static_cast<mode_t>(value & 0777);
        }
        status.ignore(4096, '\n');
    }
    return 022;
}

} // namespace

void write_file_atomically(const fs::path& path, std::string_view text) {
    // mkstemp gives a private temporary name, so two processes writing the same target never
    // share a temporary file.
    std::string templ = path.string();
    templ.append(".tmp-XXXXXX");
    const int fd = ::mkstemp(templ.data());
    if (fd < 0)
        throw OutputError(path.string(), std::strerror(errno));
    const auto fail = [&](int err) {
        ::close(fd);
        ::unlink(templ.c_str());
        throw OutputError(path.string(), std::strerror(err));
    };
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail(errno);
        }
        done += static_cast<std::size_t>(n);
    }
    // mkstemp creates the file 0600; results are meant to be shared like any file the user
    // writes, so give it the permissions the umask allows.
    if (::fchmod(fd, 0666 & ~current_umask()) != 0)
        fail(errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(templ.c_str());
        throw OutputError(path.string(), std::strerror(err));
    }
    if (std::rename(templ.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(templ.c_str());
        throw OutputError(path.string(), std::strerror(err));
    }
}

} // namespace spincim

#pragma once
// Folders and files that other users of the machine must not reach: the services' data, sockets and secrets.
//
// The work base (/tmp/celery-chaos-<uid> by default) has a predictable name in a folder everyone can write, so
// another user may have created it first, or put a symbolic link there. It is therefore created with mkdir and
// then opened with O_NOFOLLOW and checked through that descriptor (owner, type) before its mode is set: a link
// is refused, never followed or chmod-ed, and so is a folder owned by someone else.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "harness/util/status.h"

namespace harness::util {

// Creates `dir` (missing parents the same way) or takes the existing one, and makes it private: mode 0700, or
// 0710 with group `traverse_group` (its members may pass through to a path they know, not list the folder).
// Fails (k_infrastructure) when `dir` is a symbolic link ("cannot use the folder DIR: it is a symbolic link
// (refused: it could point anywhere)"), not a folder ("...: it is not a folder"), or owned by another user
// ("...: it is owned by uid N, not by this user (uid M)").
Status make_private_dir(const std::filesystem::path& dir, std::optional<gid_t> traverse_group = std::nullopt);

// Writes `content` to `path` as a file only its owner may read or write (0600, also when it existed before),
// without following a symbolic link at `path`.
Status write_private_file(const std::filesystem::path& path, const std::string& content);

// The group given traverse rights on the folders above the services' data, or none.
// Choice recorded: PostgreSQL refuses to run as root, so as root the harness runs it as the `postgres` user, which
// must reach its data and socket folders inside the run folder. ACLs are not available everywhere, so as root the
// work base, runs/, each run folder and cache/ are 0710 root:postgres (postgres may traverse them, not list them;
// other users get nothing), and PostgreSQL's own folder is 0700 postgres. Every other service's folder is 0700
// root. Not root: everything runs as the harness's user and every folder is 0700 (no group: std::nullopt).
std::optional<gid_t> service_traverse_group();

}  // namespace harness::util

#pragma once
// The parameters of the pidbox-reply-expiry fault (pidbox_reply_expiry.cc).
#include <chrono>
#include <optional>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct PidboxReplyExpiryParams : scenario::KindParams {
  std::optional<std::chrono::milliseconds> expires;  // required by the reader
};

}  // namespace harness::fault

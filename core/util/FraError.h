#pragma once
#include <stdexcept>
#include <string>

namespace fra {

// The one error type the core throws for user-facing problems (bad config, unreadable file,
// malformed run directory). Its message is a single line that names the file or field.
class FraError : public std::runtime_error {
public:
    explicit FraError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace fra

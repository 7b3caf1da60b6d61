#pragma once
#include "util/FraError.h"

#include <functional>
#include <string>

// The message of the FraError that `f` throws, or "" when it throws none.
inline std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const fra::FraError& e) {
        return e.what();
    }
    return "";
}

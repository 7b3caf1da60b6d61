#pragma once
#include "util/FraError.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace fra {

// A whole number from a JSON file that may hold anything. nlohmann's get<std::int64_t>() converts a
// float outside the integer's range (1e21) with undefined behaviour (found by fuzz_run_json); this
// throws FraError naming `what` instead.
inline std::int64_t wholeNumber(const nlohmann::json& v, const std::string& what) {
    auto shown = [&] { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw FraError(what + ": " + shown() + " is too large");
        return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) return static_cast<std::int64_t>(d);
        throw FraError(what + ": " + shown() + " is not a whole number in range");
    }
    throw FraError(what + ": expected a whole number, got " + shown());
}

// `object[key]` as a whole number, `fallback` when absent.
inline std::int64_t wholeNumber(const nlohmann::json& object, const char* key, std::int64_t fallback) {
    if (!object.is_object()) throw FraError(std::string("expected a JSON object with '") + key + "'");
    const auto it = object.find(key);
    return it == object.end() ? fallback : wholeNumber(*it, key);
}

}  // namespace fra

#include "tensorboard/EventFile.h"

#include "run/RunDirectory.h"
#include "util/FraError.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>
#include <unistd.h>

namespace fra::tensorboard {

namespace {

constexpr std::array<std::uint32_t, 256> crcTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;  // reflected Castagnoli polynomial
        table[i] = c;
    }
    return table;
}
constexpr auto kCrcTable = crcTable();

// protobuf wire format: varints, fixed 32/64-bit little endian, length-delimited fields
void varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7F) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}
void key(std::string& out, int field, int wireType) { varint(out, (static_cast<std::uint64_t>(field) << 3) | wireType); }
template <typename T>
void littleEndian(std::string& out, T bits) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}
void fixed64Double(std::string& out, int field, double v) {
    std::uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    key(out, field, 1);
    littleEndian(out, bits);
}
void fixed32Float(std::string& out, int field, float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    key(out, field, 5);
    littleEndian(out, bits);
}
void varintField(std::string& out, int field, std::uint64_t v) {
    key(out, field, 0);
    varint(out, v);
}
void bytesField(std::string& out, int field, const void* data, std::size_t bytes) {
    key(out, field, 2);
    varint(out, bytes);
    out.append(static_cast<const char*>(data), bytes);
}
void bytesField(std::string& out, int field, const std::string& s) { bytesField(out, field, s.data(), s.size()); }

std::string eventHeader(std::int64_t step, double wallTime) {
    std::string event;
    fixed64Double(event, 1, wallTime);
    varintField(event, 2, static_cast<std::uint64_t>(step));
    return event;
}

std::string eventWithSummary(std::int64_t step, double wallTime, const std::string& summary) {
    std::string event = eventHeader(step, wallTime);
    bytesField(event, 5, summary);
    return event;
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t bytes, std::uint32_t crc) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    crc = ~crc;
    for (std::size_t i = 0; i < bytes; ++i) crc = kCrcTable[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::uint32_t maskedCrc32c(const void* data, std::size_t bytes) {
    const std::uint32_t crc = crc32c(data, bytes);
    return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}

std::string encodeVersionEvent(double wallTime) {
    std::string event = eventHeader(0, wallTime);
    bytesField(event, 3, std::string("brain.Event:2"));
    return event;
}

std::string encodeScalarEvent(std::int64_t step, double wallTime, const std::vector<std::pair<std::string, float>>& scalars) {
    std::string summary;
    for (const auto& [tag, value] : scalars) {
        std::string v;
        bytesField(v, 1, tag);
        fixed32Float(v, 2, value);
        bytesField(summary, 1, v);
    }
    return eventWithSummary(step, wallTime, summary);
}

std::string encodeImageEvent(std::int64_t step, double wallTime, const std::vector<EncodedImage>& images) {
    std::string summary;
    for (const EncodedImage& image : images) {
        std::string img;
        varintField(img, 1, static_cast<std::uint64_t>(image.height));
        varintField(img, 2, static_cast<std::uint64_t>(image.width));
        varintField(img, 3, 3);  // RGB
        bytesField(img, 4, image.png.data(), image.png.size());
        std::string v;
        bytesField(v, 1, image.tag);
        bytesField(v, 4, img);
        bytesField(summary, 1, v);
    }
    return eventWithSummary(step, wallTime, summary);
}

namespace {

bool readVarint(std::string_view in, std::size_t& pos, std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= in.size()) return false;
        const auto byte = static_cast<std::uint8_t>(in[pos++]);
        v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return true;
    }
    return false;
}

std::uint64_t littleEndianAt(const char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(p[i])) << (8 * i);
    return v;
}

// Calls onField(field, varint value, length-delimited bytes) for every field of a protobuf
// message; false when the message is malformed.
template <typename OnField>
bool forEachField(std::string_view message, OnField onField) {
    const std::string_view in = message;
    std::size_t pos = 0;
    while (pos < in.size()) {
        std::uint64_t k = 0, v = 0;
        if (!readVarint(in, pos, k)) return false;
        const int field = static_cast<int>(k >> 3);
        std::string_view bytes;
        switch (k & 7) {
            case 0:
                if (!readVarint(in, pos, v)) return false;
                break;
            case 1:
            case 5: {
                const std::size_t width = (k & 7) == 1 ? 8 : 4;
                if (in.size() - pos < width) return false;
                pos += width;
                break;
            }
            case 2:
                if (!readVarint(in, pos, v) || v > in.size() - pos) return false;
                bytes = message.substr(pos, static_cast<std::size_t>(v));
                pos += static_cast<std::size_t>(v);
                break;
            default:
                return false;
        }
        onField(field, v, bytes);
    }
    return true;
}

}  // namespace

std::optional<EventHeader> parseEventHeader(const std::string& event) {
    EventHeader header;
    const bool wellFormed = forEachField(event, [&](int field, std::uint64_t v, std::string_view bytes) {
        if (field == 2) header.step = static_cast<std::int64_t>(v);
        if (field == 3) header.fileVersion = true;
        if (field == 5)  // Summary: value 1 -> Value: image 4
            forEachField(bytes, [&](int f, std::uint64_t, std::string_view value) {
                if (f == 1) forEachField(value, [&](int vf, std::uint64_t, std::string_view) { header.images |= vf == 4; });
            });
    });
    if (!wellFormed) return std::nullopt;
    return header;
}

EventFileEnd readEventFile(const std::filesystem::path& file,
                           const std::function<void(const EventHeader&, const std::string& event)>& onEvent) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return EventFileEnd::Unreadable;
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return EventFileEnd::Unreadable;
    std::uint64_t offset = 0;
    for (;;) {
        char head[12];
        in.read(head, sizeof head);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) return EventFileEnd::Complete;
        if (got < sizeof head) return EventFileEnd::Torn;
        const std::uint64_t length = littleEndianAt(head, 8);
        if (littleEndianAt(head + 8, 4) != maskedCrc32c(head, 8)) return EventFileEnd::Damaged;
        if (length > size - offset || size - offset - length < 16) return EventFileEnd::Torn;  // no overflow for hostile lengths
        std::string event(static_cast<std::size_t>(length), '\0');
        char tail[4];
        in.read(event.data(), static_cast<std::streamsize>(length));
        in.read(tail, sizeof tail);
        if (!in) return EventFileEnd::Torn;
        if (littleEndianAt(tail, 4) != maskedCrc32c(event.data(), event.size())) return EventFileEnd::Damaged;
        const auto header = parseEventHeader(event);
        if (!header) return EventFileEnd::Damaged;
        onEvent(*header, event);
        offset += length + 16;
    }
}

std::string EventFileWriter::fileName(double wallTime) {
    static std::atomic<int> counter{0};
    return "events.out.tfevents." + std::to_string(static_cast<long long>(wallTime)) + "." + hostName() + "." +
           std::to_string(::getpid()) + "." + std::to_string(counter++);
}

EventFileWriter::EventFileWriter(const std::filesystem::path& file, double wallTime) : path_(file) {
    file_ = std::fopen(file.c_str(), "wb");
    if (!file_) throw FraError("cannot create the TensorBoard event file '" + file.string() + "': " + std::strerror(errno));
    try {
        write(encodeVersionEvent(wallTime));
    } catch (...) {
        std::fclose(file_);  // no destructor runs for a constructor that throws
        throw;
    }
}

void EventFileWriter::moveTo(const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::rename(path_, to, ec);
    if (ec) throw FraError("cannot rename '" + path_.string() + "' to '" + to.string() + "': " + ec.message());
    path_ = to;
}

EventFileWriter::~EventFileWriter() {
    if (file_) std::fclose(file_);
}

void EventFileWriter::write(const std::string& event) {
    std::string record;
    record.reserve(event.size() + 16);
    littleEndian(record, static_cast<std::uint64_t>(event.size()));
    littleEndian(record, maskedCrc32c(record.data(), 8));
    record += event;
    littleEndian(record, maskedCrc32c(event.data(), event.size()));
    if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() || std::fflush(file_) != 0)
        throw FraError("cannot write the TensorBoard event file '" + path_.string() + "': " + std::strerror(errno));
}

}  // namespace fra::tensorboard

#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fra::tensorboard {

// CRC-32C (Castagnoli), and the masked form TFRecord files store.
std::uint32_t crc32c(const void* data, std::size_t bytes, std::uint32_t crc = 0);
std::uint32_t maskedCrc32c(const void* data, std::size_t bytes);

// The Event protocol buffer of one record, encoded by hand: the handful of fields TensorBoard
// reads (wall_time 1, step 2, file_version 3, summary 5; Summary.value 1; Value.tag 1,
// simple_value 2, image 4; Image height 1, width 2, colorspace 3, encoded_image_string 4). The
// build for GPU servers has no protobuf library, and these messages are stable on TensorBoard's side.
struct EncodedImage {
    std::string tag;
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> png;
};
std::string encodeVersionEvent(double wallTime);
std::string encodeScalarEvent(std::int64_t step, double wallTime, const std::vector<std::pair<std::string, float>>& scalars);
std::string encodeImageEvent(std::int64_t step, double wallTime, const std::vector<EncodedImage>& images);

// What a reader needs of an Event: its step, and whether it is the file-version record.
struct EventHeader {
    std::int64_t step = 0;
    bool fileVersion = false;
    bool images = false;  // a summary value holds an image
};
// nullopt when `event` is not a well-formed Event message.
std::optional<EventHeader> parseEventHeader(const std::string& event);

// Reads an event file's records in order, handing each intact one to `onEvent`. Stops at the end,
// at a record cut short by the end of the file (a killed writer: Torn), or at the first record
// whose length or checksum is wrong (Damaged). Never throws for bad content.
enum class EventFileEnd { Complete, Torn, Damaged, Unreadable };
EventFileEnd readEventFile(const std::filesystem::path& file,
                           const std::function<void(const EventHeader&, const std::string& event)>& onEvent);

// A TensorBoard event file (TFRecord framing: length, masked CRC of the length, data, masked
// CRC of the data), flushed after every event so TensorBoard follows a live run.
class EventFileWriter {
public:
    // events.out.tfevents.<time>.<host>.<pid>.<n>: the name TensorBoard looks for.
    static std::string fileName(double wallTime);
    // Creates the file (throws FraError naming it when it cannot) and writes the version event.
    EventFileWriter(const std::filesystem::path& file, double wallTime);
    ~EventFileWriter();
    EventFileWriter(const EventFileWriter&) = delete;
    EventFileWriter& operator=(const EventFileWriter&) = delete;

    void write(const std::string& event);
    // Renames the file (the handle stays open and writes go on into it).
    void moveTo(const std::filesystem::path& to);
    const std::filesystem::path& path() const { return path_; }

private:
    std::FILE* file_ = nullptr;
    std::filesystem::path path_;
};

}  // namespace fra::tensorboard

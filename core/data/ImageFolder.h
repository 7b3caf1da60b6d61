#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace fra {

// The images under a folder, found recursively (jpg, jpeg, png, bmp, webp; any case), in a
// stable sorted order so that a seed fixes the data order on every machine.
class ImageFolder {
public:
    // Throws FraError when `root` is missing, not a folder, or holds no images.
    explicit ImageFolder(std::filesystem::path root);
    ImageFolder(std::filesystem::path root, std::vector<std::string> relativePaths);

    const std::filesystem::path& root() const { return root_; }
    std::size_t size() const { return files_.size(); }
    const std::string& relative(std::size_t i) const { return files_[i]; }
    std::filesystem::path path(std::size_t i) const { return root_ / files_[i]; }

    static bool isImageFile(const std::filesystem::path& path);

private:
    std::filesystem::path root_;
    std::vector<std::string> files_;
};

}  // namespace fra

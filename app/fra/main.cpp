// fra: the FRA Workbench command line (headless pre-training, heatmaps, export, benchmarks).
#include "Commands.h"
#include "CrashReport.h"
#include "dist/DistributedEnv.h"
#include "util/BuildInfo.h"
#include "util/FraError.h"

#include <iostream>

namespace {
int run(int argc, char** argv);
}  // namespace

int main(int argc, char** argv) {
    CrashReport::install();
    const int status = run(argc, argv);
    CrashReport::enterTeardown();
    return status;
}

namespace {

int run(int argc, char** argv) {
    CLI::App app{"fra - Facial Region Awareness (FRA) self-supervised pre-training on face images"};
    app.require_subcommand(1);
    // CLI11 2.1 checks for the required subcommand before a version flag's callback runs
    if (argc == 2 && std::string(argv[1]) == "--version") {
        std::cout << "fra (FRA Workbench) " FRA_VERSION "\n" << fra::buildCapabilitiesText() << "launcher: " << fra::describeLauncher() << "\n"
                  << std::flush;
        return 0;
    }
    app.add_flag("--version", "Print the version and exit");
    app.failure_message([](const CLI::App*, const CLI::Error& e) { return std::string("fra: error: ") + e.what() + "\n"; });
    CommandAction action;
    addPretrainCommands(app, action);
    addRunsCommand(app, action);
    addRemoteCommands(app, action);
    addExportCommand(app, action);
    addBenchCommand(app, action);
    addConfigCommands(app, action);
    addHeatmapsCommand(app, action);
    addDownstreamCommands(app, action);
    addSubmitCommand(app, action);
#ifndef FRA_NO_OPENCV
    addSamplesCommand(app, action);  // the face cropper of the sample pool (OpenCV's detectors)
#endif
    addPrepareCommand(app, action);  // without OpenCV: JPEG and PNG faces
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // help and version exit 0; every other parse error is a usage error: one line, exit code 2
        // (CLI11's own codes, such as 106, are not what the manual promises)
        const int printed = app.exit(e);
        return printed == 0 ? 0 : 2;
    }
    try {
        return action ? action() : 0;
    } catch (const fra::FraError& e) {
        std::cerr << "fra: error: " << e.what() << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::string what = e.what();
        what = what.substr(0, what.find('\n'));
        std::cerr << "fra: error: " << what << std::endl;
        return 1;
    }
}

}  // namespace

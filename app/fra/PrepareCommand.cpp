// `fra prepare`: a folder of faces into a memory-mapped prepared store for the GPU pipeline.
#include "Commands.h"
#include "data/PreparedStore.h"
#include "data/PreparedStoreWriter.h"
#include "util/FraError.h"

#include <iostream>
#include <unistd.h>

namespace {
struct PrepareArguments {
    std::string data, out, verify;
    std::string encoding = "jpeg";
    int size = 128;
    int minSide = 32;
    int quality = 95;
};
}  // namespace

void addPrepareCommand(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<PrepareArguments>();
    CLI::App* cmd = app.add_subcommand("prepare", "Crop and resize a face folder once into a prepared store of JPEGs or pixels (data.format=prepared)");
    cmd->add_option("--data", o->data, "Folder of face images (recursive)")->check(CLI::ExistingDirectory);
    cmd->add_option("--out", o->out, "Store file to write (resumes an interrupted <out>.partial)");
    cmd->add_option("--size", o->size, "Stored side in pixels (views are cropped from it)")->check(CLI::Range(8, 4096))->capture_default_str();
    cmd->add_option("--min-side", o->minSide, "Smaller images are skipped")->check(CLI::Range(1, 4096))->capture_default_str();
    cmd->add_option("--encoding", o->encoding,
                    "jpeg: each face re-encoded once at the stored size (copied when it already is a baseline JPEG of that size), "
                    "decoded per batch on the GPU (nvJPEG) or CPU threads; raw: decoded pixels, about ten times larger")
        ->check(CLI::IsMember({"jpeg", "raw"}))
        ->capture_default_str();
    cmd->add_option("--quality", o->quality, "JPEG quality of re-encoded faces (chroma 4:2:0)")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--verify", o->verify, "Check every checksum of an existing store instead")->check(CLI::ExistingFile);
    cmd->footer("Train from it with: fra pretrain --data STORE --set data.format=prepared ...\n"
                "Views are then augmented on the compute device (TensorAugmenter); JPEG stores are decoded per batch first.");
    cmd->callback([o, &action] {
        action = [o] {
            if (!o->verify.empty()) {
                const fra::PreparedStore store(o->verify);
                store.verifyAll();
                std::cout << o->verify << ": " << store.size() << " images of " << store.imageSize() << " px ("
                          << (store.encoding() == fra::StoreEncoding::Jpeg ? "JPEG, quality " + std::to_string(store.jpegQuality()) : std::string("raw pixels"))
                          << "), every checksum matches" << (store.encoding() == fra::StoreEncoding::Jpeg ? " and every face decodes" : "") << std::endl;
                return 0;
            }
            if (o->data.empty() || o->out.empty()) throw fra::FraError("prepare needs --data and --out (or --verify)");
            const bool tty = ::isatty(STDERR_FILENO);
            const fra::PrepareOptions options{o->size, o->minSide, o->encoding == "raw" ? fra::StoreEncoding::Raw : fra::StoreEncoding::Jpeg,
                                              o->quality};
            fra::PreparedStoreWriter writer(o->data, o->out, options);
            const fra::PrepareReport r = writer.run([tty](std::size_t done, std::size_t total) {
                std::cerr << (tty ? "\r" : "") << "prepared " << done << "/" << total << (tty ? "" : "\n") << std::flush;
            });
            if (tty) std::cerr << "\n";
            if (r.written == 0) {  // an empty store trains nothing: say why and leave nothing behind
                std::error_code ec;
                std::filesystem::remove(o->out, ec);
                throw fra::FraError("no face of '" + o->data + "' could be stored (" + std::to_string(r.skipped) + " skipped; the first, " +
                                    r.firstSkipped + "); nothing written");
            }
            std::cout << "wrote " << r.written << " images (" << r.skipped << " skipped"
                      << (options.encoding == fra::StoreEncoding::Jpeg ? ", " + std::to_string(r.copied) + " copied as they were" : "")
                      << (r.resumedFrom ? ", resumed at file " + std::to_string(r.resumedFrom) : "") << ", " << r.storeBytes / 1024 << " KiB) to "
                      << o->out << std::endl;
            return 0;
        };
    });
}

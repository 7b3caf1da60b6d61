// fra-workbench: the Qt 6 desktop workbench.
#include "util/FraError.h"
#include "util/ShutdownGuard.h"
#include "util/Translations.h"
#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QSettings>
#include <QStandardPaths>
#include <QSessionManager>
#include <QTimer>
#include <clocale>
#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    // Qt took the desktop's locale for everything; numbers in the files the core reads and writes
    // (samples.csv, tables, JSON) keep the C locale's decimal point whatever the language
    std::setlocale(LC_NUMERIC, "C");
    QApplication::setOrganizationName("fra-workbench");
    QApplication::setApplicationName("FRA Workbench");
    QApplication::setApplicationVersion(FRA_VERSION);
    // the desktop entry names the window (its icon and name under Wayland, grouping in task bars)
    QGuiApplication::setDesktopFileName("fra-workbench");
    QApplication::setWindowIcon(QIcon::fromTheme("fra-workbench"));
    fraui::installTranslations();  // the user's language, when a translation is installed
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Launch and monitor FRA pre-training, inspect facial-region heatmaps, compare checkpoints."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption runs("runs", QCoreApplication::translate("main", "Folder of runs (remembered)."), QCoreApplication::translate("main", "folder"));
    QCommandLineOption demo("demo", QCoreApplication::translate("main", "Start the demo pre-training (cpu-r18-demo) on this folder of faces."),
                            QCoreApplication::translate("main", "faces"));
    QCommandLineOption steps("steps", QCoreApplication::translate("main", "Step budget of the demo run (default 0: the preset's whole schedule)."), "n", "0");
    QCommandLineOption preset("preset", QCoreApplication::translate("main", "Preset of the run --demo starts (default cpu-r18-demo)."),
                              QCoreApplication::translate("main", "name"), "cpu-r18-demo");
    QCommandLineOption set("set", QCoreApplication::translate("main", "Override one setting of the run --demo starts, as `fra --set` (repeatable)."), "key=value");
    QCommandLineOption screenshots("screenshots", QCoreApplication::translate("main", "Save screenshots of the main views here after --quit-after."),
                                   QCoreApplication::translate("main", "folder"));
    QCommandLineOption quitAfter("quit-after", QCoreApplication::translate("main", "Quit after this many seconds (demos, smoke tests)."),
                                 QCoreApplication::translate("main", "seconds"));
    QCommandLineOption show("show", QCoreApplication::translate("main", "Open this run on the facial-regions view."), QCoreApplication::translate("main", "run"));
    parser.addOptions({runs, demo, steps, preset, set, screenshots, quitAfter, show});
    parser.process(app);

    // SIGINT/SIGTERM/SIGHUP, the display going away and any exit() stop a training with a checkpoint first
    fraui::ShutdownGuard* guard = fraui::ShutdownGuard::install();
    fraui::MainWindow window;
    QObject::connect(guard, &fraui::ShutdownGuard::terminationRequested, &window, &fraui::MainWindow::shutDown);
#ifndef QT_NO_SESSIONMANAGER
    // a logout: checkpoint now (the session manager may end the process right after), then quit
    QObject::connect(&app, &QGuiApplication::commitDataRequest, &window, [&window](QSessionManager&) {
        fraui::ShutdownGuard::stopAllWorkers("the desktop session is ending");
        window.shutDown(QCoreApplication::translate("main", "the desktop session is ending"));
    });
#endif
    QString runsFolder = parser.value(runs);
    if (runsFolder.isEmpty()) runsFolder = QSettings().value("runsFolder").toString();
    if (runsFolder.isEmpty()) runsFolder = QDir(QStandardPaths::writableLocation(QStandardPaths::HomeLocation)).filePath("fra-runs");
    window.setRunsFolder(runsFolder);
    window.show();
    if (parser.isSet(demo)) {
        try {
            window.startDemo(parser.value(demo), parser.value(steps).toLongLong(), parser.value(preset), parser.values(set));
        } catch (const fra::FraError& e) {
            std::fprintf(stderr, "fra-workbench: error: %s\n", e.what());
            return 2;
        }
    }
    if (parser.isSet(show)) window.openRun(parser.value(show));
    if (parser.isSet(quitAfter)) {
        QTimer::singleShot(static_cast<int>(parser.value(quitAfter).toDouble() * 1000), &window, [&] {
            if (parser.isSet(screenshots)) window.saveScreenshots(parser.value(screenshots));
            QApplication::quit();
        });
    }
    return QApplication::exec();
}

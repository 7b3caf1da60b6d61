// fra-workbench: the Qt 6 desktop workbench.
#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("fra-workbench");
    QApplication::setApplicationName("FRA Workbench");
    QApplication::setApplicationVersion(FRA_VERSION);
    QCommandLineParser parser;
    parser.setApplicationDescription("Launch and monitor FRA pre-training, inspect facial-region heatmaps, compare checkpoints.");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption runs("runs", "Folder of runs (remembered).", "folder");
    QCommandLineOption demo("demo", "Start the demo pre-training (cpu-r18-demo) on this folder of faces.", "faces");
    QCommandLineOption steps("steps", "Step budget of the demo run (default 0: the preset's whole schedule).", "n", "0");
    QCommandLineOption screenshots("screenshots", "Save screenshots of the main views here after --quit-after.", "folder");
    QCommandLineOption quitAfter("quit-after", "Quit after this many seconds (demos, smoke tests).", "seconds");
    QCommandLineOption show("show", "Open this run on the facial-regions view.", "run");
    parser.addOptions({runs, demo, steps, screenshots, quitAfter, show});
    parser.process(app);

    fraui::MainWindow window;
    QString runsFolder = parser.value(runs);
    if (runsFolder.isEmpty()) runsFolder = QSettings().value("runsFolder").toString();
    if (runsFolder.isEmpty()) runsFolder = QDir(QStandardPaths::writableLocation(QStandardPaths::HomeLocation)).filePath("fra-runs");
    window.setRunsFolder(runsFolder);
    window.show();
    if (parser.isSet(demo)) window.startDemo(parser.value(demo), parser.value(steps).toLongLong());
    if (parser.isSet(show)) window.openRun(parser.value(show));
    if (parser.isSet(quitAfter)) {
        QTimer::singleShot(static_cast<int>(parser.value(quitAfter).toDouble() * 1000), &window, [&] {
            if (parser.isSet(screenshots)) window.saveScreenshots(parser.value(screenshots));
            QApplication::quit();
        });
    }
    return QApplication::exec();
}

#pragma once
#include <QObject>
#include <QString>
#include <functional>

class QSocketNotifier;

namespace fraui {

// Every way the workbench process can end keeps its run resumable.
//  * SIGINT, SIGTERM and SIGHUP (a closed terminal, a logout, `kill`) arrive as
//    terminationRequested() on the GUI thread (a self-pipe, so nothing runs in the handler): the
//    window then stops its training after the current step, and quits once it has checkpointed.
//  * The display going away (X server ended, ssh -X closed): Qt's xcb plugin prints "The X11
//    connection broke" and calls exit(1) from the event loop. The message handler catches that
//    warning and stops every registered worker *before* exit() runs static destructors (which would
//    otherwise race the trainer thread); an atexit hook does the same for any other exit() path.
// Workers (the training and evaluation bridges) register a stop-and-wait function for their life.
class ShutdownGuard : public QObject {
    Q_OBJECT
public:
    // Installs the signal handlers, the message handler and the atexit hook; call once, after the
    // QApplication exists.
    static ShutdownGuard* install();

    // stopAndWait returns whether there was anything running to stop.
    static void registerWorker(const void* owner, std::function<bool()> stopAndWait);
    static void unregisterWorker(const void* owner);
    // Stops every registered worker and waits for each; safe to call more than once.
    static void stopAllWorkers(const char* why);

signals:
    void terminationRequested(const QString& reason);

private:
    explicit ShutdownGuard(QObject* parent);
    void onSignalReadable();
    QSocketNotifier* notifier_ = nullptr;
};

}  // namespace fraui

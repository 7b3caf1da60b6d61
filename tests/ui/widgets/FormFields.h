#pragma once
#include "widgets/ConfigForm.h"
#include "widgets/LaunchPanel.h"

#include <QApplication>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>
#include <QtTest>

// Types a value into a launch form's field as a user does (the edit signal included).
inline void setField(fraui::LaunchPanel* launch, const QString& key, const QString& value) {
    auto* line = qobject_cast<QLineEdit*>(launch->form()->editor(key));
    QVERIFY2(line, qPrintable(key));
    line->setText(value);
    emit line->textEdited(value);
}

// Reads the text of the next warning box the workbench shows, and closes it (a modal box would
// block an offscreen test): text() stays empty until one has been shown.
class MessageBoxReader {
public:
    MessageBoxReader() {
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
                    text_ = box->text();
                    box->accept();
                }
        });
        timer_.start(50);
    }
    const QString& text() const { return text_; }

private:
    QTimer timer_;
    QString text_;
};

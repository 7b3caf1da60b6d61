#pragma once
#include "widgets/ConfigForm.h"
#include "widgets/LaunchPanel.h"

#include <QLineEdit>
#include <QtTest>

// Types a value into a launch form's field as a user does (the edit signal included).
inline void setField(fraui::LaunchPanel* launch, const QString& key, const QString& value) {
    auto* line = qobject_cast<QLineEdit*>(launch->form()->editor(key));
    QVERIFY2(line, qPrintable(key));
    line->setText(value);
    emit line->textEdited(value);
}

#include "run/RunLock.h"
#include "support/TempDir.h"
#include "util/FraError.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(RunLock, ExclusiveAndReleasedWhenTheHolderDies) {
    TempDir dir;
    EXPECT_FALSE(fra::RunLock::isHeld(dir.path()));
    {
        fra::RunLock lock(dir.path());
        EXPECT_TRUE(fra::RunLock::isHeld(dir.path()));
        EXPECT_THROW(fra::RunLock second(dir.path()), fra::FraError);
    }
    EXPECT_FALSE(fra::RunLock::isHeld(dir.path()));

    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        fra::RunLock lock(dir.path());
        char c = 'x';
        [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
        ::pause();  // until killed
        _exit(0);
    }
    char c;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    EXPECT_TRUE(fra::RunLock::isHeld(dir.path()));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    EXPECT_FALSE(fra::RunLock::isHeld(dir.path()));
    EXPECT_NO_THROW(fra::RunLock again(dir.path()));
}

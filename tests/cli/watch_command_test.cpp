// `ctxheap watch URL` end to end: a real Go service serving net/http/pprof on 127.0.0.1
// (watch_service/main.go, built here with Debian's go, standard library only) is watched
// as a user would; a leaking service fails naming its creation site, a correct one passes,
// and bad URLs, bodies and interruptions exit as documented, leaving no temporary file.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "cli_test_support.hpp"

namespace ctxheap_test {
namespace {

namespace fs = std::filesystem;

/// The service binary, built once into the build tree (CTXHEAP_WATCH_BUILD_DIR) and rebuilt
/// when main.go is newer: ctest runs each test in its own process, and they share it.
class WatchCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::string(CTXHEAP_GO).empty() || !fs::exists(CTXHEAP_GO)) return;
    go_found_ = true;
    const fs::path dir = CTXHEAP_WATCH_BUILD_DIR;
    fs::create_directories(dir);
    const int lock = ::open((dir / ".lock").c_str(), O_CREAT | O_RDWR, 0644);  // ctest -j: one builder
    ::flock(lock, LOCK_EX);
    const fs::path source = CTXHEAP_WATCH_SERVICE;
    if (!fs::exists(service_binary()) || fs::last_write_time(service_binary()) < fs::last_write_time(source)) {
      // No module, no network: the standard library only, with a private, temporary cache.
      TempDir home("ctxheap-watch-go");
      const fs::path temp = dir / "service.tmp";
      const std::string cmd = "cd " + sh_quote(home.path().string()) + " && env HOME=" + sh_quote(home.path().string()) +
                              " GOCACHE=" + sh_quote((home / "cache").string()) + " GOPATH=" +
                              sh_quote((home / "gopath").string()) + " GOPROXY=off GO111MODULE=off GOFLAGS= " +
                              sh_quote(CTXHEAP_GO) + " build -o " + sh_quote(temp.string()) + " " +
                              sh_quote(source.string()) + " > " + sh_quote((home / "build.log").string()) + " 2>&1";
      build_status_ = std::system(cmd.c_str());
      build_log_ = read_text(home / "build.log");
      std::error_code ignored;
      if (build_status_ == 0) fs::rename(temp, service_binary(), ignored);
      fs::remove(temp, ignored);
    } else {
      build_status_ = 0;
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
  }

  static fs::path service_binary() { return fs::path(CTXHEAP_WATCH_BUILD_DIR) / "service"; }

  void SetUp() override {
    if (!go_found_) GTEST_SKIP() << "`go` (Debian golang-go) is not installed: no Go service to watch";
    ASSERT_EQ(build_status_, 0) << "go build of the watched service failed:\n" << build_log_;
  }

  static inline bool go_found_ = false;
  static inline int build_status_ = -1;
  static inline std::string build_log_;
};

/// The Go service, started and stopped with the test: its stdin is a pipe it serves until
/// closed, so it also ends when the test process dies.
class Service {
 public:
  explicit Service(const fs::path& binary, bool leak) {
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
      const std::string path = binary.string();
      if (leak) ::execl(path.c_str(), path.c_str(), "-leak", static_cast<char*>(nullptr));
      else ::execl(path.c_str(), path.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    port_ = line.empty() ? 0 : std::stoi(line);
  }
  ~Service() {
    ::close(stdin_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  std::string url(const std::string& path = {}) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  bool started() const { return port_ > 0; }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp") != std::string::npos) names.push_back(e.path().filename().string());
  return names;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// `ctxheap watch ...` started in the background (its output in `dir`/.out), for signals.
class BackgroundWatch {
 public:
  BackgroundWatch(const TempDir& dir, const std::vector<std::string>& args) : out_(dir / ".out") {
    pid_ = ::fork();
    if (pid_ == 0) {
      if (::chdir(dir.path().c_str()) != 0) ::_exit(127);
      const int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv{const_cast<char*>(CTXHEAP_CLI), const_cast<char*>("watch")};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(CTXHEAP_CLI, argv.data());
      ::_exit(127);
    }
  }
  ~BackgroundWatch() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  BackgroundWatch(const BackgroundWatch&) = delete;
  BackgroundWatch& operator=(const BackgroundWatch&) = delete;

  /// Waits until `path` exists (or the watch ended); true when it does.
  bool wait_for(const fs::path& path) const {
    for (int i = 0; i < 600; ++i) {  // a bound against hanging, not a timing assertion
      if (fs::exists(path)) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return fs::exists(path);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  /// Sends `signo` and returns the exit code.
  int signal_and_wait(int signo) {
    ::kill(pid_, signo);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string output() const { return read_text(out_); }

 private:
  pid_t pid_ = -1;
  fs::path out_;
};

TEST_F(WatchCommand, LeakingServiceFailsNamingTheLeaksCreationSite) {
  Service service(service_binary(), /*leak=*/true);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  const CliRun run = run_ctxheap(dir, "watch " + sh_quote(service.url()) + " --count 3 --interval 1s --out series");
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("round 1/3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("round 3/3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("growing"), std::string::npos) << run.out;  // the analyzer's growth verdict, each round
  EXPECT_NE(run.out.find("created at main.handleRequest main.go"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ctxheap check: FAILED"), std::string::npos) << run.out;
  EXPECT_TRUE(run.err.empty()) << run.err;  // not a terminal: no progress line
  EXPECT_EQ(names_in(dir / "series"),
            (std::vector<std::string>{"goroutine.0001.pb.gz", "goroutine.0002.pb.gz", "goroutine.0003.pb.gz",
                                      "heap.0001.pb.gz", "heap.0002.pb.gz", "heap.0003.pb.gz"}));
  // The folder is a series `check` reads as it stands: the same verdict.
  const CliRun check = run_ctxheap(dir, "check series/*.pb.gz");
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("main.handleRequest"), std::string::npos) << check.out;
}

TEST_F(WatchCommand, CorrectServicePasses) {
  Service service(service_binary(), /*leak=*/false);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  const CliRun run = run_ctxheap(dir, "watch " + sh_quote(service.url()) + " --count 3 --interval 1s --out series");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("main.handleRequest"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ctxheap check: passed"), std::string::npos) << run.out;
  // The watch's own pprof request (net/http's per-connection context) is in flight: flat
  // over the series, so the final gate neither counts nor warns about it.
  EXPECT_EQ(run.out.find("ctxheap check: passed with a warning"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("1 stale child entry"), std::string::npos) << run.out;
}

TEST_F(WatchCommand, GatesWithChecksThresholds) {
  Service service(service_binary(), /*leak=*/true);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  const CliRun run = run_ctxheap(dir, "watch " + sh_quote(service.url()) +
                                          " --count 2 --interval 500ms --out series --max-stale 0 --warn-stale 0");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const CliRun bad = run_ctxheap(dir, "watch " + sh_quote(service.url()) + " --count 2 --out other --max-retained lots");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err_lines().size(), 1u) << bad.err;
  EXPECT_FALSE(fs::exists(dir / "other"));  // nothing fetched before the flags were checked
}

TEST_F(WatchCommand, InterruptGatesWhatWasCollected) {
  Service service(service_binary(), /*leak=*/true);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  BackgroundWatch watch(dir, {service.url(), "--count", "100", "--interval", "1s", "--out", "series"});
  ASSERT_TRUE(watch.wait_for(dir / "series" / "goroutine.0002.pb.gz")) << watch.output();
  const int code = watch.signal_and_wait(SIGINT);
  const std::string out = watch.output();
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("interrupted after"), std::string::npos) << out;
  EXPECT_NE(out.find("main.handleRequest"), std::string::npos) << out;
  EXPECT_TRUE(temp_files(dir / "series").empty());
}

TEST_F(WatchCommand, InterruptBeforeTwoRoundsExitsTwoWithOneLine) {
  Service service(service_binary(), /*leak=*/true);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  BackgroundWatch watch(dir, {service.url(), "--interval", "1m", "--out", "series"});
  ASSERT_TRUE(watch.wait_for(dir / "series" / "goroutine.0001.pb.gz")) << watch.output();
  const int code = watch.signal_and_wait(SIGINT);
  const std::string out = watch.output();
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("ctxheap: interrupted after 1 round: a series needs at least 2"), std::string::npos) << out;
  EXPECT_TRUE(temp_files(dir / "series").empty());
}

TEST_F(WatchCommand, NotFoundExitsTwoLeavingNothing) {
  Service service(service_binary(), /*leak=*/false);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  const CliRun run = run_ctxheap(dir, "watch " + sh_quote(service.url("/missing")) + " --count 2 --out series");
  EXPECT_EQ(run.exit_code, 2);
  ASSERT_EQ(run.err_lines().size(), 1u) << run.err;
  EXPECT_NE(run.err.find("/missing/debug/pprof/heap?gc=1: HTTP 404"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir / "series"));
}

TEST_F(WatchCommand, BodyThatIsNotAProfileExitsTwoLeavingNothing) {
  Service service(service_binary(), /*leak=*/false);
  ASSERT_TRUE(service.started());
  TempDir dir("ctxheap-watch");
  fs::create_directories(dir / "series");
  const CliRun run = run_ctxheap(dir, "watch " + sh_quote(service.url("/html")) + " --count 2 --out series");
  EXPECT_EQ(run.exit_code, 2);
  ASSERT_EQ(run.err_lines().size(), 1u) << run.err;
  EXPECT_NE(run.err.find("/html/debug/pprof/heap?gc=1: not a ctxheap snapshot"), std::string::npos) << run.err;
  EXPECT_TRUE(names_in(dir / "series").empty());  // an existing folder stays, empty
}

// These need no Go service.
TEST(WatchCommandErrors, UnreachableUrlExitsTwoLeavingNothing) {
  TempDir dir("ctxheap-watch");
  // A port nothing listens on: bound, then closed.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  const CliRun run = run_ctxheap(dir, "watch " + sh_quote(url) + " --count 2 --out series");
  EXPECT_EQ(run.exit_code, 2);
  ASSERT_EQ(run.err_lines().size(), 1u) << run.err;
  EXPECT_NE(run.err.find("ctxheap: " + url + "/debug/pprof/heap?gc=1: "), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(dir / "series"));
}

TEST(WatchCommandErrors, RefusesAFolderHoldingASeriesAndTooFewRounds) {
  TempDir dir("ctxheap-watch");
  fs::create_directories(dir / "series");
  std::ofstream(dir / "series" / "heap.0001.pb.gz") << "old";
  const CliRun held = run_ctxheap(dir, "watch http://127.0.0.1:9 --count 2 --out series");
  EXPECT_EQ(held.exit_code, 2);
  EXPECT_NE(held.err.find("already holds a watch series"), std::string::npos) << held.err;
  EXPECT_EQ(read_text(dir / "series" / "heap.0001.pb.gz"), "old");
  const CliRun one = run_ctxheap(dir, "watch http://127.0.0.1:9 --count 1 --out fresh");
  EXPECT_EQ(one.exit_code, 2);
  EXPECT_NE(one.err.find("at least 2 rounds"), std::string::npos) << one.err;
  const CliRun both = run_ctxheap(dir, "watch http://127.0.0.1:9 --count 2 --duration 1m --out fresh");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir / "fresh"));
}

}  // namespace
}  // namespace ctxheap_test

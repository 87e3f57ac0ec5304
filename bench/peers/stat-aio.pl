# Peer: Perl IO::AIO aio_stat of every path, N threads, then flush.  argv: PATHS_FILE [THREADS=4]
use strict;
use warnings;
use FindBin;
use IO::AIO;
use Time::HiRes ();
require "$FindBin::Bin/emit.pl";

my ($file, $threads) = @ARGV;
$threads ||= 4;
my $paths = read_paths($file);
IO::AIO::min_parallel $threads;
IO::AIO::max_parallel $threads;

my ($done, $errors) = (0, 0);
my $cb = sub { $_[0] ? $errors++ : $done++ };

aio_stat $paths->[0], sub {}; # untimed: starts the threads
IO::AIO::flush;
my $t0 = Time::HiRes::time;
aio_stat $_, $cb for @$paths;
IO::AIO::flush;
my $ms = (Time::HiRes::time - $t0) * 1000;
emit({ n => $done + $errors, errors => $errors, ms => $ms, opsPerSec => ($done + $errors) / ($ms / 1000) });

# Peer: latency of one 1 KiB aio_read, idle and right after the stats of every
# path were queued at aioreq_pri -4, the read at aioreq_pri 4.  argv: READ_FILE PATHS_FILE [THREADS=4]
use strict;
use warnings;
use FindBin;
use IO::AIO;
use Time::HiRes ();
require "$FindBin::Bin/emit.pl";

my ($read_file, $paths_file, $threads) = @ARGV;
$threads ||= 4;
my $paths = read_paths($paths_file);
IO::AIO::min_parallel $threads;
IO::AIO::max_parallel $threads;
open my $fh, '<:raw', $read_file or die "$read_file: $!";
my $buf = '';
my $done = 0;

# One timed read at priority $pri; returns (latency ms, stat callbacks seen before it).
sub timed_read {
   my ($pri, $issue_first) = @_;
   my ($ms, $before);
   $issue_first->() if $issue_first;
   aioreq_pri $pri;
   my $t0 = Time::HiRes::time;
   aio_read $fh, 0, 1024, $buf, 0, sub {
      $_[0] == 1024 or die "read: $!";
      $ms = (Time::HiRes::time - $t0) * 1000;
      $before = $done;
   };
   IO::AIO::flush;
   return ($ms, $before);
}

timed_read(0); # untimed: starts the threads
my @idle = map { (timed_read(0))[0] } 1 .. 5;
@idle = sort { $a <=> $b } @idle;

my $cb = sub { $done++ };
my ($loaded, $before) = timed_read(4, sub {
   for (@$paths) { aioreq_pri(-4); aio_stat $_, $cb }
});
emit({ idleMs => $idle[2], loadedMs => $loaded, statsBefore => $before, stats => scalar @$paths });

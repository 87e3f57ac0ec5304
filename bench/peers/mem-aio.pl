# Peer: memory of N queued aio_stat requests (one shared callback).  argv: MODE PATHS_FILE [N=1000000]
# MODE: baseline (holds only the paths) or stat.
use strict;
use warnings;
use FindBin;
use IO::AIO;
use Time::HiRes ();
require "$FindBin::Bin/emit.pl";

my ($mode, $file, $n) = @ARGV;
$n ||= 1_000_000;
die "unknown mode $mode\n" unless $mode eq 'baseline' || $mode eq 'stat';
my $paths = read_paths($file, $n);
IO::AIO::max_parallel 4;

my $before = vm_kib('VmRSS');
my $queued = $before;
my $t0 = Time::HiRes::time;
if ($mode eq 'stat') {
   my $cb = sub {};
   aio_stat $_, $cb for @$paths;
   $queued = vm_kib('VmRSS');
   IO::AIO::flush;
}
my $ms = (Time::HiRes::time - $t0) * 1000;
emit({ mode => $mode, n => scalar @$paths, ms => $ms, queuedBytes => ($queued - $before) * 1024 });

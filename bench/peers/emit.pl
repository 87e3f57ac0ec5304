# Child side for Perl peers: print the one JSON result line the parent parses.
use strict;
use warnings;
use JSON::PP ();

# Peak RSS of this process in KiB, the fallback when GNU time is absent.
sub vm_kib {
   my ($field) = @_;
   open my $fh, '<', '/proc/self/status' or return undef;
   while (<$fh>) { return 0 + $1 if /^\Q$field\E:\s+(\d+)/ }
   return undef;
}

sub emit {
   my ($h) = @_;
   $h->{selfMaxRssKiB} = vm_kib('VmHWM');
   $| = 1;
   print JSON::PP->new->canonical->encode($h), "\n";
}

sub read_paths {
   my ($file, $n) = @_;
   open my $fh, '<', $file or die "$file: $!";
   chomp(my @list = grep { length > 1 } <$fh>);
   return \@list unless defined $n;
   return [ map { $list[$_ % @list] } 0 .. $n - 1 ];
}

1;

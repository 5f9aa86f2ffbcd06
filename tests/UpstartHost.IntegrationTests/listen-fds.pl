#!/usr/bin/perl
# listen-fds FD... -- PROGRAM [ARG...]
# Starts PROGRAM the way systemd hands a service the descriptors of its file-descriptor store
# (sd_listen_fds(3)): the given inherited descriptors become 3, 4, ... in order, LISTEN_FDS counts them
# and LISTEN_PID is this process, which PROGRAM becomes (exec keeps the pid). LISTEN_FDNAMES is the
# caller's to set. Used by the daemon tests to play systemd after a crash.
use strict;
use warnings;
use POSIX ();

my @sources;
while (@ARGV && $ARGV[0] ne '--') {
    my $fd = shift @ARGV;
    die "listen-fds: not a descriptor: $fd\n" unless $fd =~ /^\d+$/;
    push @sources, $fd;
}
shift @ARGV;
die "usage: listen-fds FD... -- PROGRAM [ARG...]\n" unless @ARGV;

# First above every source and target, then down to 3..: no dup2 may overwrite a source still to move.
my $high = 3 + @sources;
for my $fd (@sources) {
    $high = $fd + 1 if $fd >= $high;
}
for my $i (0 .. $#sources) {
    defined POSIX::dup2($sources[$i], $high + $i) or die "listen-fds: dup2 $sources[$i]: $!\n";
}
for my $fd (@sources) {
    POSIX::close($fd) if $fd >= 3 + @sources;
}
for my $i (0 .. $#sources) {
    defined POSIX::dup2($high + $i, 3 + $i) or die "listen-fds: dup2: $!\n";
    POSIX::close($high + $i);
}

$ENV{LISTEN_FDS} = scalar @sources;
$ENV{LISTEN_PID} = $$;
exec { $ARGV[0] } @ARGV or die "listen-fds: exec $ARGV[0]: $!\n";

# The Debian package as built by `./build.ps1 -Task Deb` (build.ps1 -Task TestDeb sets UPSTARTPS_DEB):
# its control data and contents read back with dpkg-deb, then the daemon and upstartctl run from the
# extracted tree, as a session daemon on the example jobs the package ships.

BeforeAll {
    $script:Deb = $env:UPSTARTPS_DEB
    if (-not $Deb -or -not (Test-Path $Deb)) { throw 'Set UPSTARTPS_DEB to the .deb (./build.ps1 -Task TestDeb does).' }

    function Invoke-DpkgDeb([string[]] $Arguments) {
        $out = & dpkg-deb @Arguments
        if ($LASTEXITCODE -ne 0) { throw "dpkg-deb $Arguments exited with $LASTEXITCODE" }
        $out
    }

    function Invoke-Ctl([string[]] $Arguments) {
        $out = & $script:Ctl --socket $script:Socket @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($out | ForEach-Object ToString) }
    }
}

Describe 'upstartps .deb control data' {
    It 'names the package, version, architecture and the libraries the binaries need' {
        Invoke-DpkgDeb @('--field', $Deb, 'Package') | Should -Be 'upstartps'
        Invoke-DpkgDeb @('--field', $Deb, 'Architecture') | Should -Be 'amd64'
        Invoke-DpkgDeb @('--field', $Deb, 'Version') | Should -Match '^\d+\.\d+\.\d+'
        (Split-Path -Leaf $Deb) | Should -Be "upstartps_$(Invoke-DpkgDeb @('--field', $Deb, 'Version'))_amd64.deb"
        Invoke-DpkgDeb @('--field', $Deb, 'Depends') | Should -Match 'libc6 \(>= [0-9.]+\)'
        [int](Invoke-DpkgDeb @('--field', $Deb, 'Installed-Size')) | Should -BeGreaterThan 1000
    }

    It 'creates the upstartps group in postinst and carries the maintainer scripts' {
        $control = Join-Path $TestDrive 'control'
        Invoke-DpkgDeb @('--control', $Deb, $control)
        (Get-ChildItem $control).Name | Sort-Object | Should -Be @('conffiles', 'control', 'postinst', 'postrm', 'prerm')
        Get-Content "$control/conffiles" | Should -Be @('/etc/logrotate.d/upstartps') -Because 'an administrator''s change to it survives an upgrade' 
        Get-Content -Raw "$control/postinst" | Should -Match 'groupadd --system upstartps'
        foreach ($script in 'postinst', 'prerm', 'postrm') {
            & sh -n "$control/$script"
            $LASTEXITCODE | Should -Be 0 -Because "$script must be valid sh"
            (Get-Item "$control/$script").UnixFileMode.ToString() | Should -Match 'UserExecute'
        }
    }
}

Describe 'upstartps .deb contents' {
    BeforeAll {
        $script:Listing = Invoke-DpkgDeb @('--contents', $Deb)
        $script:Paths = $Listing | ForEach-Object { ($_ -split '\s+', 6)[5] -replace ' -> .*$', '' }
    }

    It 'installs <_>' -ForEach @(
        './usr/lib/upstartps/upstart-host', './usr/lib/upstartps/upstart-exec', './usr/lib/upstartps/libupstart-spawn.so',
        './usr/lib/upstartps/upstartctl',
        './usr/sbin/upstart-host', './usr/sbin/upstartctl', './usr/sbin/upstartps-initctl-names',
        './usr/lib/systemd/system/upstartps.service', './etc/init/', './etc/logrotate.d/upstartps',
        './usr/share/man/man8/upstart-host.8.gz', './usr/share/man/man8/upstartctl.8.gz',
        './usr/share/doc/upstartps/README.Debian', './usr/share/doc/upstartps/copyright',
        './usr/share/doc/upstartps/examples/init/worker.conf') {
        $Paths | Should -Contain $_
    }

    It 'owns every file as root and links the commands to the binaries' {
        $Listing | ForEach-Object { ($_ -split '\s+')[1] } | Sort-Object -Unique | Should -Be 'root/root'
        $Listing | Where-Object { $_ -match '\./usr/sbin/upstartctl -> ' } | Should -Match '-> \.\./lib/upstartps/upstartctl$'
    }

    It 'ships a unit that keeps the jobs and their console log channels through a daemon crash' {
        $unitDir = Join-Path $TestDrive 'unit'
        Invoke-DpkgDeb @('-x', $Deb, $unitDir)
        $unit = Get-Content (Join-Path $unitDir 'usr/lib/systemd/system/upstartps.service')
        $unit | Should -Contain 'KillMode=process'
        $unit | Should -Contain 'Restart=on-failure'
        $unit | Should -Contain 'NotifyAccess=main'
        $max = $unit | Where-Object { $_ -match '^FileDescriptorStoreMax=(\d+)$' } | ForEach-Object { [int]$Matches[1] }
        $max | Should -BeGreaterThan 0 -Because 'the daemon keeps each console log pty master in the store'
        $unit | Should -Contain "Environment=FDSTORE=$max" -Because 'systemd before 254 does not tell the daemon the store size'
    }

    It 'does not claim the initctl names itself' {
        $Paths | Where-Object { $_ -match '/(initctl|start|stop|status)$' } | Should -BeNullOrEmpty
    }
}

Describe 'upstartps .deb extracted into a temporary root' {
    BeforeAll {
        $script:RootDir = Join-Path $TestDrive 'root'
        Invoke-DpkgDeb @('-x', $Deb, $RootDir)
        $script:Daemon = Join-Path $RootDir 'usr/sbin/upstart-host'
        $script:Ctl = Join-Path $RootDir 'usr/sbin/upstartctl'
        $script:Examples = Join-Path $RootDir 'usr/share/doc/upstartps/examples/init'
        # A short socket path (108 bytes at most) of our own.
        $script:RunDir = Join-Path '/tmp' ('upsdeb-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $RunDir | Out-Null
        $script:Socket = Join-Path $RunDir 's.sock'

        # The packaged daemon as a session daemon on the shipped examples, answering (bounded) when this returns.
        function Start-PackagedDaemon([string] $LogDir, [string] $StateDir) {
            $info = [System.Diagnostics.ProcessStartInfo]::new($Daemon)
            foreach ($a in '--session', '--no-startup-event', '--confdir', $Examples, '--socket', $Socket,
                '--logdir', $LogDir, '--state-dir', $StateDir, '--config', (Join-Path $RunDir 'host.json')) {
                $info.ArgumentList.Add($a)
            }
            $info.RedirectStandardOutput = $true
            $info.RedirectStandardError = $true
            $info.Environment.Remove('NOTIFY_SOCKET') | Out-Null
            $script:DaemonProcess = [System.Diagnostics.Process]::Start($info)
            $script:DaemonStdout = $DaemonProcess.StandardOutput.ReadToEndAsync()
            $script:DaemonStderr = $DaemonProcess.StandardError.ReadToEndAsync()

            # Ready when it answers; the socket appearing is not enough.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            do {
                if ($DaemonProcess.HasExited) { throw "upstart-host exited with $($DaemonProcess.ExitCode): $($DaemonStderr.Result)" }
                Start-Sleep -Milliseconds 20
                $version = Invoke-Ctl @('version')
            } until ($version.ExitCode -eq 0 -or [DateTime]::UtcNow -gt $deadline)
            $version
        }

        # SIGTERM, as systemctl stop sends it: a clean exit.
        function Stop-PackagedDaemon {
            & kill -TERM $DaemonProcess.Id
            $DaemonProcess.WaitForExit(60000) | Should -BeTrue
            $DaemonProcess.ExitCode | Should -Be 0 -Because $DaemonStderr.Result
            $null = $DaemonStdout.Result
        }
    }

    AfterAll {
        if ($script:DaemonProcess -and -not $DaemonProcess.HasExited) {
            $DaemonProcess.Kill($true)
        }
        Remove-Item -Recurse -Force $RunDir -ErrorAction SilentlyContinue
    }

    It 'renders both man pages without a groff warning' {
        foreach ($page in 'upstart-host', 'upstartctl') {
            $roff = & gzip -dc (Join-Path $RootDir "usr/share/man/man8/$page.8.gz")
            $warnings = $roff | & groff -man -ww -z 2>&1
            $warnings | Should -BeNullOrEmpty -Because "$page(8) must be clean roff"
            ($roff -join "`n") | Should -Match "^\.TH $($page.ToUpperInvariant()) 8"
        }
    }

    It 'ships the daemon position-independent and upstartctl position-dependent with its data read in place' {
        # ELF e_type, two bytes at offset 16: 3 = position-independent (ET_DYN), 2 = fixed addresses (ET_EXEC).
        function Get-ElfType([string] $Path) {
            $header = [System.IO.File]::ReadAllBytes($Path)[0..17]
            [System.Text.Encoding]::ASCII.GetString($header, 1, 3) | Should -Be 'ELF' -Because "$Path is a native binary"
            [BitConverter]::ToUInt16($header, 16)
        }
        function Get-SectionNames([string] $Path) {
            $sections = & readelf --section-headers --wide $Path
            $LASTEXITCODE | Should -Be 0
            $sections | Select-String '^\s*\[\s*\d+\]\s+(\S+)' | ForEach-Object { $_.Matches[0].Groups[1].Value }
        }
        $daemon = Join-Path $RootDir 'usr/lib/upstartps/upstart-host'
        $ctl = Join-Path $RootDir 'usr/lib/upstartps/upstartctl'

        Get-ElfType $daemon | Should -Be 3 -Because 'the root daemon keeps address randomisation'
        Get-SectionNames $daemon | Should -Contain '.hydrated' -Because 'the daemon keeps the default, dehydrated data'
        Get-ElfType $ctl | Should -Be 2 -Because 'a one-shot command reads its data in place instead of relocating it at every start'
        $ctlSections = Get-SectionNames $ctl
        $ctlSections | Should -Contain '.data'
        $ctlSections | Should -Not -Contain '.hydrated' -Because 'nothing is rehydrated at start'
    }

    It 'runs the daemon and the CLI from the package on the example jobs' {
        & $Daemon --version | Should -Match 'upstart'
        $version = Start-PackagedDaemon -LogDir (Join-Path $RunDir 'log') -StateDir (Join-Path $RunDir 'state')
        $version.Output | Should -Match '^init \(upstart 1\.13\.2\) upstartps'

        $list = Invoke-Ctl @('list')
        $list.ExitCode | Should -Be 0
        $names = $list.Output | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object -Unique
        $names | Should -Be @('crash-alert', 'forking-daemon', 'housekeeping', 'on-demand', 'web', 'web-ready', 'worker')

        $start = Invoke-Ctl @('start', 'worker', 'NAME=alpha', 'INTERVAL=1')
        $start.ExitCode | Should -Be 0
        $start.Output | Should -Match '^worker \(alpha\) start/running, process \d+$'

        # The running instance proves the exec helper was found beside the daemon's real path.
        (Invoke-Ctl @('status', 'worker', 'NAME=alpha')).Output | Should -Match '^worker \(alpha\) start/running, process \d+$'

        $emit = Invoke-Ctl @('emit', 'my-event', 'MESSAGE=from-the-deb')
        $emit.ExitCode | Should -Be 0
        Get-Content -Raw (Join-Path $RunDir 'log/on-demand.log') | Should -Match 'my-event received: from-the-deb'

        # What `systemctl reload upstartps` runs (ExecReload): the packaged daemon execs itself in place and
        # the running instance keeps its process.
        $before = (Invoke-Ctl @('status', 'worker', 'NAME=alpha')).Output
        $reExec = Invoke-Ctl @('re-exec')
        $reExec.ExitCode | Should -Be 0 -Because ($reExec.Output -join "`n")
        (Invoke-Ctl @('status', 'worker', 'NAME=alpha')).Output | Should -Be $before
        $DaemonProcess.HasExited | Should -BeFalse

        (Invoke-Ctl @('stop', 'worker', 'NAME=alpha')).Output | Should -Match '^worker stop/waiting$'

        Stop-PackagedDaemon
    }

    It 'has a unit whose reload re-execs the daemon with the upstartctl it installs, and whose stop signals only the daemon' {
        $unit = Get-Content (Join-Path $RootDir 'usr/lib/systemd/system/upstartps.service')
        $reload = @($unit | Where-Object { $_ -match '^ExecReload=' })
        $reload | Should -Be @('ExecReload=/usr/sbin/upstartctl --system re-exec')
        Test-Path (Join-Path $RootDir 'usr/sbin/upstartctl') | Should -BeTrue
        # SIGTERM to the daemon alone: it stops the jobs itself on stop/restart, and a crash leaves them running.
        $unit | Should -Contain 'KillMode=process'
        $unit | Should -Contain 'KillSignal=SIGTERM'
    }

    It 'rotates the job logs with its logrotate rule, and the daemon starts a new log after each rotation' {
        if (-not (Get-Command logrotate -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because "Debian's logrotate is not installed (.ci/run installs it)"
            return
        }

        # The shipped rule, pointed at a log directory of this test; logrotate wants its configuration root's, not
        # writable by others (Pester's drive is).
        $logDir = Join-Path $RunDir 'rotated-log'
        $rule = (Get-Content -Raw (Join-Path $RootDir 'etc/logrotate.d/upstartps')).Replace('/var/log/upstart/', "$logDir/")
        $rule | Should -Not -Match '/var/log/upstart' -Because 'the rule names the packaged log directory once'
        $conf = Join-Path $RunDir 'logrotate.conf'
        [System.IO.File]::WriteAllText($conf, $rule)
        & chmod 0644 $conf
        function Invoke-Logrotate {
            $out = & logrotate --force --state (Join-Path $RunDir 'logrotate.state') $conf 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        }

        (Start-PackagedDaemon -LogDir $logDir -StateDir (Join-Path $RunDir 'rotated-state')).ExitCode | Should -Be 0

        # on-demand (a task) logs each my-event it gets; `emit` returns once it has run.
        $log = Join-Path $logDir 'on-demand.log'
        (Invoke-Ctl @('emit', 'my-event', 'MESSAGE=first')).ExitCode | Should -Be 0
        Invoke-Logrotate
        Test-Path $log | Should -BeFalse -Because 'nocreate: no empty log until the job writes again'
        Get-Content -Raw "$log.1" | Should -Match 'my-event received: first' -Because 'delaycompress: the newest old log stays plain'

        (Invoke-Ctl @('emit', 'my-event', 'MESSAGE=second')).ExitCode | Should -Be 0
        Get-Content $log | Should -Match 'my-event received: second'
        Get-Content $log | Should -Not -Match 'first' -Because 'the daemon wrote to a new log, not on into the renamed one'
        (Invoke-Ctl @('log', 'on-demand')).Output | Should -Match 'my-event received: second'

        Invoke-Logrotate
        (& gzip -dc "$log.2.gz") -join "`n" | Should -Match 'my-event received: first'
        Get-Content -Raw "$log.1" | Should -Match 'my-event received: second'

        Stop-PackagedDaemon
    }

    It 'installs and removes the optional initctl names as symlinks to upstartctl' {
        $names = Join-Path $TestDrive 'names'
        $helper = Join-Path $RootDir 'usr/sbin/upstartps-initctl-names'
        & sh $helper install $names
        $LASTEXITCODE | Should -Be 0
        foreach ($n in 'initctl', 'start', 'stop', 'restart', 'reload', 'status') {
            (Get-Item (Join-Path $names $n)).LinkTarget | Should -Be '/usr/sbin/upstartctl'
        }
        & sh $helper remove $names
        $LASTEXITCODE | Should -Be 0
        Get-ChildItem $names | Should -BeNullOrEmpty
    }
}

Describe 'upstartps .deb installed with dpkg into a temporary root' {
    BeforeAll {
        # dpkg --root with DPKG_ROOT-aware maintainer scripts (--force-script-chrootless): the host's
        # package database, /etc/group and services stay untouched. libc6 is not in the empty root.
        $script:InstallRoot = Join-Path $TestDrive 'dpkgroot'
        foreach ($dir in 'var/lib/dpkg/info', 'var/lib/dpkg/updates', 'etc') {
            New-Item -ItemType Directory -Force -Path (Join-Path $InstallRoot $dir) | Out-Null
        }
        New-Item -ItemType File -Path (Join-Path $InstallRoot 'var/lib/dpkg/status') | Out-Null
        Set-Content -LiteralPath (Join-Path $InstallRoot 'etc/group') -Value 'root:x:0:'
        Set-Content -LiteralPath (Join-Path $InstallRoot 'etc/gshadow') -Value 'root:*::'
        $script:HostGroups = Get-Content /etc/group
    }

    It 'installs with dpkg -i, creating the upstartps group and /etc/init' {
        & dpkg "--root=$InstallRoot" --force-script-chrootless --force-depends -i $Deb
        $LASTEXITCODE | Should -Be 0
        & dpkg "--root=$InstallRoot" -s upstartps | Should -Contain 'Status: install ok installed'
        Get-Content -Raw (Join-Path $InstallRoot 'etc/group') | Should -Match '(?m)^upstartps:x:\d+:$'
        Test-Path (Join-Path $InstallRoot 'etc/init') -PathType Container | Should -BeTrue
        Get-Content (Join-Path $InstallRoot 'var/lib/dpkg/info/upstartps.conffiles') | Should -Be @('/etc/logrotate.d/upstartps')
        & (Join-Path $InstallRoot 'usr/sbin/upstart-host') check (Join-Path $InstallRoot 'usr/share/doc/upstartps/examples/init')
        $LASTEXITCODE | Should -Be 0
        Get-Content /etc/group | Should -Be $HostGroups
    }

    It 'purges with dpkg --purge, leaving the group and the job directory' {
        New-Item -ItemType Directory -Force -Path (Join-Path $InstallRoot 'var/lib/upstartps') | Out-Null
        & dpkg "--root=$InstallRoot" --force-script-chrootless --purge upstartps
        $LASTEXITCODE | Should -Be 0
        Test-Path (Join-Path $InstallRoot 'usr/sbin/upstart-host') | Should -BeFalse
        Test-Path (Join-Path $InstallRoot 'var/lib/upstartps') | Should -BeFalse
        Test-Path (Join-Path $InstallRoot 'etc/logrotate.d/upstartps') | Should -BeFalse -Because 'a purge removes the conffiles'
        Get-Content -Raw (Join-Path $InstallRoot 'etc/group') | Should -Match '(?m)^upstartps:'
    }
}

# Get-UpstartSession (initctl list-sessions): session files read without a daemon, then a real session daemon
# found through its own session file and reached with -SocketPath.

Describe 'Get-UpstartSession over session files' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        Import-Module (Get-UpstartTestModulePath) -Force
        $saved = @{}
        foreach ($name in 'XDG_RUNTIME_DIR', 'UPSTARTPS_SOCKET', 'UPSTART_SESSION') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }

        $runtime = New-UpstartTestDirectory
        $sessions = Join-Path $runtime 'upstart/sessions'
        $null = New-Item -ItemType Directory -Path $sessions -Force
        function Write-SessionFile([string] $Name, [string] $Text) {
            [IO.File]::WriteAllText((Join-Path $sessions $Name), $Text)
        }

        # Live: this pwsh (ours) and pid 1 (an address of another form). The parent of this pwsh is alive too, so
        # its file is skipped only for being malformed. No process can have a pid above pid_max: that one is stale.
        $ownSocket = Join-Path $runtime 'own.sock'
        $parentPid = (Get-Process -Id $PID).Parent.Id
        $deadPid = [int](Get-Content /proc/sys/kernel/pid_max) + 1
        $abstract = 'unix:abstract=/com/ubuntu/upstart-session/0/1'
        Write-SessionFile "$PID.session" "UPSTART_SESSION=unix:path=$ownSocket`n"
        Write-SessionFile '1.session' "UPSTART_SESSION=$abstract`n"
        Write-SessionFile "$deadPid.session" "UPSTART_SESSION=unix:path=$runtime/dead.sock`n"
        Write-SessionFile "$parentPid.session" "not a session file`n"
        Write-SessionFile 'abc.session' "UPSTART_SESSION=unix:path=$runtime/abc.sock`n"
    }

    BeforeEach {
        $env:XDG_RUNTIME_DIR = $runtime
        $env:UPSTARTPS_SOCKET = $null
        $env:UPSTART_SESSION = $null
    }

    AfterAll {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item -LiteralPath $runtime -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'writes one UpstartSession per live session file, sorted by process id, and skips the stale and malformed' {
        $found = @(Get-UpstartSession -ErrorVariable errors)
        $errors | Should -BeNullOrEmpty
        $found.ProcessId | Should -Be @(1, $PID)
        $found | ForEach-Object { $_ | Should -BeOfType ([UpstartPS.UpstartSession]) }
        $found[0].PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartSession'
    }

    It 'gives the address as announced and the socket it names, or none for an address that is not ours' {
        $own, $other = (Get-UpstartSession -ProcessId $PID, 1 | Sort-Object ProcessId -Descending)
        $own.ProcessId | Should -BeOfType ([int])
        $own.Address | Should -BeExactly "unix:path=$ownSocket"
        $own.SocketPath | Should -BeExactly $ownSocket
        $other.Address | Should -BeExactly $abstract
        $other.SocketPath | Should -BeNullOrEmpty
        "$own" | Should -BeExactly "$PID unix:path=$ownSocket"
    }

    It 'filters with -ProcessId and says which id is not a live session' {
        $found = @(Get-UpstartSession -ProcessId $deadPid, $PID -ErrorVariable errors -ErrorAction SilentlyContinue)
        $found.ProcessId | Should -Be @($PID)
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'NoSessionFoundForGivenProcessId,UpstartPS.Commands.GetUpstartSessionCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be $deadPid
    }

    It 'marks as current the session UPSTARTPS_SOCKET names, and no other' {
        $env:UPSTARTPS_SOCKET = $ownSocket
        $current = @(Get-UpstartSession | Where-Object IsCurrent)
        $current.ProcessId | Should -Be @($PID)
    }

    It 'marks as current the session UPSTART_SESSION names when UPSTARTPS_SOCKET is unset' {
        $env:UPSTART_SESSION = "unix:path=$ownSocket"
        @(Get-UpstartSession | Where-Object IsCurrent).ProcessId | Should -Be @($PID)
    }

    It 'marks no session current when the module would talk to another daemon' {
        $env:UPSTARTPS_SOCKET = Join-Path $runtime 'elsewhere.sock'
        @(Get-UpstartSession | Where-Object IsCurrent) | Should -BeNullOrEmpty
    }

    It 'writes nothing and no error when no session daemon runs' {
        $empty = New-UpstartTestDirectory
        try {
            $env:XDG_RUNTIME_DIR = $empty
            @(Get-UpstartSession -ErrorVariable errors) | Should -BeNullOrEmpty
            $errors | Should -BeNullOrEmpty
        }
        finally { Remove-Item -LiteralPath $empty -Recurse -Force }
    }

    It 'writes the non-terminating NoSessionDirectory when XDG_RUNTIME_DIR is <Case>' -ForEach @(
        @{ Case = 'unset'; Value = $null }
        @{ Case = 'relative'; Value = 'run/user/1000' }) {
        $env:XDG_RUNTIME_DIR = $Value
        $found = @(Get-UpstartSession -ErrorVariable errors -ErrorAction SilentlyContinue)
        $found | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'NoSessionDirectory,UpstartPS.Commands.GetUpstartSessionCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $errors[0].Exception.Message | Should -Match 'XDG_RUNTIME_DIR'
        # Non-terminating: only -ErrorAction Stop makes it throw.
        { Get-UpstartSession -ErrorAction Stop } | Should -Throw -ErrorId 'NoSessionDirectory,UpstartPS.Commands.GetUpstartSessionCommand'
    }

    It 'shows a table of ProcessId, a current marker and Address by default' {
        $env:UPSTARTPS_SOCKET = $ownSocket
        $lines = (Get-UpstartSession | Out-String -Width 200) -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ }
        $lines[0] | Should -Match '^\s*ProcessId\s+Current\s+Address$'
        $lines | Should -Contain ('{0,9} {1,-7} {2}' -f 1, '', $abstract).TrimEnd()
        $lines | Should -Contain ('{0,9} {1,-7} {2}' -f $PID, '*', "unix:path=$ownSocket")
    }

    It 'shows every property in the list view' {
        $text = Get-UpstartSession -ProcessId $PID | Format-List | Out-String
        $text | Should -Match "SocketPath\s*:\s*$([regex]::Escape($ownSocket))"
        $text | Should -Match 'IsCurrent\s*:\s*False'
    }

    It 'has help with examples that take a session''s socket to -SocketPath' {
        $help = Get-Help Get-UpstartSession -Full
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        ($help.Examples.Example.Code -join "`n") | Should -Match '-SocketPath \$\w+\.SocketPath'
        $help.Parameters.Parameter.Name | Should -Contain 'ProcessId'
        ($help.ReturnValues.ReturnValue.Type.Name -join ' ') | Should -Match 'UpstartPS\.UpstartSession'
    }
}

Describe 'Get-UpstartSession finds a real session daemon' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs only 'task
exec true' | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $savedSession = $env:UPSTART_SESSION
        $env:UPSTART_SESSION = $null
        # READY=1 comes after the daemon wrote its session file, so the file is there when this returns.
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs -ReadyByNotify
        # The daemon's own runtime directory, where it wrote upstart/sessions/PID.session.
        $env:XDG_RUNTIME_DIR = $daemon.Fixture.RuntimeDir
        $session = Get-UpstartSession -ProcessId $daemon.Fixture.DaemonPid -ErrorAction Stop
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        $env:UPSTART_SESSION = $savedSession
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'lists the daemon with the socket it listens on' {
        @(Get-UpstartSession).ProcessId | Should -Be @($daemon.Fixture.DaemonPid)
        $session.Address | Should -BeExactly "unix:path=$($daemon.Socket)"
        $session.SocketPath | Should -BeExactly $daemon.Socket
    }

    It 'marks it current while the module talks to it by default' {
        $env:UPSTARTPS_SOCKET | Should -Be $daemon.Socket
        $session.IsCurrent | Should -BeTrue
    }

    It 'reaches that daemon through -SocketPath when the default points elsewhere' {
        $env:UPSTARTPS_SOCKET = Join-Path $TestDrive 'nobody-listens.sock'
        try {
            { Get-UpstartJob -ErrorAction Stop } | Should -Throw -ErrorId 'DaemonNotRunning,UpstartPS.Commands.GetUpstartJobCommand'
            (Get-UpstartJob -SocketPath $session.SocketPath -ErrorAction Stop).Name | Should -Be 'only'
            (Get-UpstartJob -SocketPath (Get-UpstartSession)[0].SocketPath -ErrorAction Stop).Name | Should -Be 'only'
        }
        finally { $env:UPSTARTPS_SOCKET = $daemon.Socket }
    }
}

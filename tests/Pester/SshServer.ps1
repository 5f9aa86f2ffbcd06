# A private OpenSSH server for the remoting suite: its own config, host key, client key and known_hosts in a
# temp directory, key authentication only, listening on a free port of 127.0.0.1, with the PowerShell
# subsystem pointing at the pwsh that runs the suites. Dot-source it inside BeforeAll, never at discovery.

function Get-UpstartTestSshdPath {
    # $null when Debian's openssh-server is not installed: the remoting tests then skip and say why.
    foreach ($candidate in '/usr/sbin/sshd', '/usr/local/sbin/sshd') {
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    $null
}

function Get-UpstartTestFreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-UpstartTestSshServer {
    param([Parameter(Mandatory)] [string] $SshdPath)

    $dir = Join-Path ([IO.Path]::GetTempPath()) ('upstartps-ssh-' + [Guid]::NewGuid().ToString('N').Substring(0, 12))
    $null = New-Item -ItemType Directory -Path $dir -Force
    chmod 700 $dir
    $user = [Environment]::UserName
    $hostKey = Join-Path $dir 'host_key'
    $clientKey = Join-Path $dir 'client_key'
    foreach ($key in $hostKey, $clientKey) {
        & ssh-keygen -q -t ed25519 -N '' -C 'upstartps-test' -f $key
        if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $key" }
    }
    Copy-Item -LiteralPath "$clientKey.pub" -Destination (Join-Path $dir 'authorized_keys')
    chmod 600 (Join-Path $dir 'authorized_keys')

    $port = Get-UpstartTestFreePort
    # The client trusts exactly this server's key: no prompt (there is no stdin), no blind acceptance.
    $hostPublic = (Get-Content -LiteralPath "$hostKey.pub" -Raw).Trim() -split ' '
    Set-Content -LiteralPath (Join-Path $dir 'known_hosts') -Value "[127.0.0.1]:$port $($hostPublic[0]) $($hostPublic[1])"

    $pwsh = Get-UpstartTestPwshPath
    $config = Join-Path $dir 'sshd_config'
    @(
        "Port $port"
        'ListenAddress 127.0.0.1'
        "HostKey $hostKey"
        "PidFile $(Join-Path $dir 'sshd.pid')"
        "AuthorizedKeysFile $(Join-Path $dir 'authorized_keys')"
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PermitRootLogin prohibit-password'
        "AllowUsers $user"
        'UsePAM no'
        # The keys live in a temp directory, not under the user's home with its ownership rules.
        'StrictModes no'
        'LogLevel ERROR'
        "Subsystem powershell $pwsh -sshs -NoLogo -NoProfile"
    ) | Set-Content -LiteralPath $config

    # sshd refuses to start without its privilege-separation directory (Debian creates it at boot).
    if (-not (Test-Path -LiteralPath '/run/sshd')) { $null = New-Item -ItemType Directory -Path '/run/sshd' -Force }
    $stderr = Join-Path $dir 'sshd.err'
    # -D: stay in the foreground, so this process is sshd itself and stopping it is exact.
    $process = Start-Process -FilePath $SshdPath -ArgumentList @('-D', '-e', '-f', $config) -RedirectStandardError $stderr -RedirectStandardOutput (Join-Path $dir 'sshd.out') -PassThru

    $server = [pscustomobject]@{ Process = $process; Directory = $dir; Port = $port; User = $user; ClientKey = $clientKey; KnownHosts = (Join-Path $dir 'known_hosts') }
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while ($true) {
        if ($process.HasExited) {
            $why = Get-Content -LiteralPath $stderr -Raw -ErrorAction SilentlyContinue
            Stop-UpstartTestSshServer $server
            throw "sshd exited with code $($process.ExitCode): $why"
        }
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            if ($client.ConnectAsync([System.Net.IPAddress]::Loopback, $port).Wait(500) -and $client.Connected) { break }
        }
        catch { Write-Verbose "sshd not listening yet: $_" }
        finally { $client.Dispose() }
        if ([DateTime]::UtcNow -gt $deadline) {
            Stop-UpstartTestSshServer $server
            throw "sshd did not listen on 127.0.0.1:$port within 15 s."
        }
        Start-Sleep -Milliseconds 100
    }
    $server
}

function New-UpstartTestSshSession {
    param([Parameter(Mandatory)] $Server)
    New-PSSession -HostName 127.0.0.1 -Port $Server.Port -UserName $Server.User -KeyFilePath $Server.ClientKey -ConnectingTimeout 30000 -Options @{
        UserKnownHostsFile    = $Server.KnownHosts
        StrictHostKeyChecking = 'yes'
        BatchMode             = 'yes'
    } -ErrorAction Stop
}

function Stop-UpstartTestSshServer {
    # Always leaves no sshd behind: SIGTERM, a bounded wait, then SIGKILL.
    param($Server)
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) {
        $kill = Get-Command kill -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($kill) { & $kill.Source -TERM $Server.Process.Id 2>$null }
        if (-not $Server.Process.WaitForExit(10000)) { $Server.Process.Kill($true) }
    }
    Remove-Item -LiteralPath $Server.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

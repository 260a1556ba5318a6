import socket,sys
def enc(args):
    out=b"*%d\r\n"%len(args)
    for a in args:
        a=a.encode() if isinstance(a,str) else a
        out+=b"$%d\r\n%s\r\n"%(len(a),a)
    return out
s=socket.create_connection(("127.0.0.1",int(sys.argv[1]) if len(sys.argv)>1 else 7777))
f=s.makefile('rb')
def rd():
    l=f.readline()
    t=l[:1]
    if t in b'+-:_,#(': return l
    if t in b'$=!':
        n=int(l[1:-2])
        if n<0: return l
        return l+f.read(n+2)
    if t in b'*%~>':
        n=int(l[1:-2]); 
        if n<0: return l
        if t==b'%': n*=2
        return l+b"".join(rd() for _ in range(n))
    return l
import shlex
for line in sys.stdin:
    line=line.strip()
    if not line or line.startswith('#'): continue
    args=shlex.split(line)
    s.sendall(enc(args))
    r=rd()
    print(line.ljust(40), repr(r)[2:-1])

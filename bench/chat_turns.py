# Drives resident web-chat turns sequentially for bench/instructions_per_turn.sh.
# usage: chat_turns.py PORT N setup|run  (SESSIONS=file with the sessions made by setup)
# Same toggle as bench/chat_input.lua: answer the first question, then 戻る, so each request
# is a real turn and the session never completes.
import http.client, json, os, sys
port=int(sys.argv[1]); n=int(sys.argv[2]); mode=sys.argv[3]  # mode: setup|run
c=http.client.HTTPConnection('127.0.0.1',port)
def req(method,path,body=None,cookie=None):
    h={'content-type':'application/json'}
    if cookie: h['Cookie']=cookie
    c.request(method,path,json.dumps(body) if body is not None else None,h)
    r=c.getresponse(); d=r.read(); return r, d
if mode=='setup':
    r,d=req('GET','/api/public/demo/services')
    svc=[i['id'] for i in json.loads(d)['items'] if i['service_key']=='inu-toroku'][0]
    out=[]
    for i in range(20):
        r,d=req('POST','/api/public/demo/chat',{'service_id':svc})
        ck=[v for k,v in r.getheaders() if k.lower()=='set-cookie' and v.startswith('mg_device=')][0].split(';')[0]
        out.append((json.loads(d)['session_id'],ck))
    json.dump(out,open(os.environ.get('SESSIONS', '/tmp/chat_turns_sessions.json'),'w'))
else:
    ss=json.load(open(os.environ.get('SESSIONS', '/tmp/chat_turns_sessions.json')))
    bad=0
    for i in range(n):
        sid,ck=ss[i%len(ss)]
        text='山田太郎' if (i//len(ss))%2==0 else '戻る'
        r,d=req('POST',f'/api/public/demo/chat/{sid}/input',{'type':'text','text':text},ck)
        if r.status!=200: bad+=1
    print('bad',bad)
